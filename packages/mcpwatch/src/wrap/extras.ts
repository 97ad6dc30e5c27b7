import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Exchange } from './observer.js';
import { createReporter, type Reporter, redactUrl } from './report.js';
import type { WrapExtras } from './wrap.js';

export interface ExtrasOptions {
  /** The server's name in reports, metrics and /health. */
  name: string;
  version: string;
  heartbeat?: string;
  heartbeatIntervalMs?: number;
  report?: string;
  reportIntervalMs: number;
  metricsPort?: number;
  warn(message: string): void;
}

/**
 * The heartbeat, the local /metrics and /live, and the reports, as the flags ask. `@mcpwatch/instrument`
 * (and prom-client with it) is loaded only when a heartbeat or a metrics port is asked for, so a wrapper
 * that only reports stays small. None of them can fail the relay: each failure is a line on stderr.
 */
export async function createExtras(options: ExtrasOptions): Promise<WrapExtras | undefined> {
  const { warn } = options;
  const reporter: Reporter | undefined =
    options.report === undefined
      ? undefined
      : createReporter({
          url: options.report,
          server: options.name,
          intervalMs: options.reportIntervalMs,
          warn,
        });
  if (options.heartbeat === undefined && options.metricsPort === undefined) {
    return reporter && { exchange: (e) => reporter.record(e), stop: () => reporter.stop() };
  }
  const instrument = await import('@mcpwatch/instrument');

  let heartbeatFailing = false;
  const heartbeat =
    options.heartbeat === undefined
      ? undefined
      : instrument.createHeartbeat({
          url: options.heartbeat,
          ...(options.heartbeatIntervalMs !== undefined ? { intervalMs: options.heartbeatIntervalMs } : {}),
          onError: (error) => {
            // Once per outage, like the reports; the message names the ping, never the token.
            if (heartbeatFailing) return;
            heartbeatFailing = true;
            warn(`${error.message.replace(/https?:\/\/\S+/g, (u) => redactUrl(u))} (said once)`);
          },
        });

  const metrics =
    options.metricsPort === undefined
      ? undefined
      : instrument.createMcpMetrics({ collectDefaultMetrics: false });
  let sessionStarted: number | undefined;
  let server: http.Server | undefined;
  if (metrics && options.metricsPort !== undefined) {
    const handler = instrument.createHealthHandler({ metrics, name: options.name, version: options.version });
    const { createServer } = await import('node:http');
    const listening = createServer(handler);
    listening.on('error', (error: NodeJS.ErrnoException) => {
      warn(
        `cannot serve /metrics on 127.0.0.1:${options.metricsPort} (${error.code ?? error.message}); the server runs without it`,
      );
    });
    listening.listen(options.metricsPort, '127.0.0.1', () => {
      const { port } = listening.address() as AddressInfo;
      warn(`serving /metrics and /live on http://127.0.0.1:${port}`);
    });
    listening.unref();
    server = listening;
  }

  const exchange = (e: Exchange) => {
    reporter?.record(e);
    if (e.origin !== 'client') return;
    heartbeat?.activity();
    if (!metrics) return;
    if (e.method === 'tools/call') metrics.toolCall(e.tool ?? '', e.ok, e.seconds);
    else if (e.method === 'resources/read' && e.uri !== undefined) metrics.resourceRead(e.uri);
    else if (e.method === 'initialize' && e.ok && sessionStarted === undefined) {
      sessionStarted = performance.now();
      metrics.sessionOpened();
    }
    if (!e.ok && e.errorType !== undefined) metrics.error(e.errorType);
  };

  return {
    exchange,
    async stop(crashed) {
      if (metrics && sessionStarted !== undefined) {
        metrics.sessionClosed((performance.now() - sessionStarted) / 1000);
      }
      if (crashed) heartbeat?.fail();
      await Promise.allSettled([
        reporter?.stop(),
        heartbeat?.stop(),
        server &&
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ]);
    },
  };
}
