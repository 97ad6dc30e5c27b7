import { KeepaliveMcp, type ProbeResult, type StdioTargetInput } from '@mcpwatch/probe';
import { probeOptionsOf } from '../config/monitor-schema.js';
import { type CheckRunner, ColdRunner } from './check-runner.js';
import type { RunnerHooks } from './monitors.js';
import type { ProbeSpec } from './run-check.js';

/** A stdio MCP server kept running between checks; its restarts become `process_restarted` events. */
class KeepaliveRunner implements CheckRunner {
  private readonly server: KeepaliveMcp;

  constructor(spec: ProbeSpec & { kind: 'mcp' }, hooks: RunnerHooks) {
    this.server = new KeepaliveMcp(spec.target as StdioTargetInput, probeOptionsOf(spec), {
      onRestart: (info) =>
        hooks.event('process_restarted', {
          attempt: info.attempt,
          reason: info.reason,
          exitCode: info.exitCode,
          signal: info.signal,
          stderrTail: info.stderrTail,
          delayMs: info.delayMs,
        }),
    });
  }

  check(signal: AbortSignal): Promise<ProbeResult> {
    return this.server.check(signal);
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/** The runner a monitor's definition asks for: kept alive for `mode: keepalive`, a cold probe otherwise. */
export function runnerFor(spec: ProbeSpec, hooks: RunnerHooks): CheckRunner {
  if (spec.kind === 'mcp' && spec.mode === 'keepalive') return new KeepaliveRunner(spec, hooks);
  return new ColdRunner(spec);
}
