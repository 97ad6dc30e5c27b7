import { DEFAULT_TIMEOUT_MS, type ProbeResult, probeMcp } from '@mcpwatch/probe';
import { checkBudgetMs } from './checker.js';
import { isProbed, runProbe } from './run-check.js';
import type { Service } from './service.js';
import { ServiceError } from './service-error.js';

export type AdhocTarget =
  | { monitorId: number }
  | { url: string; headers?: Record<string, string> | undefined };

/**
 * Probes once, on request, and keeps nothing: no result stored, no state changed, no alert. A monitor is
 * probed as it is defined; anything else only as an http(s) URL of an MCP server, never as a command line,
 * so whoever asks (an AI through the MCP server) cannot make mcpwatch start a process.
 */
export async function adhocProbe(service: Service, target: AdhocTarget): Promise<ProbeResult> {
  if ('monitorId' in target) {
    const monitor = service.monitors.get(target.monitorId);
    const spec = service.monitors.spec(target.monitorId);
    if (spec === undefined)
      throw new ServiceError('invalid', `"${monitor.name}" cannot be probed: ${monitor.problem}`);
    if (!isProbed(spec)) {
      throw new ServiceError(
        'invalid',
        `"${monitor.name}" is a heartbeat monitor: it is checked by its pings, there is nothing to probe`,
      );
    }
    return runProbe(spec, AbortSignal.timeout(checkBudgetMs(spec)));
  }
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    throw new ServiceError(
      'invalid',
      `"${target.url}" is not a URL: give one like https://example.com/mcp`,
      'url',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ServiceError(
      'invalid',
      `Only http:// and https:// URLs can be probed on request (got ${url.protocol}); a stdio server is probed as a configured monitor`,
      'url',
    );
  }
  return probeMcp(
    url.href,
    { headers: target.headers ?? {} },
    AbortSignal.timeout(DEFAULT_TIMEOUT_MS + 15_000),
  );
}
