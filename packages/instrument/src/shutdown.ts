// Graceful shutdown on SIGTERM (Kubernetes, systemd, an IDE closing a stdio server): stop taking new
// sessions, let requests in flight finish within a bound, close the sessions, say /stop to mcpwatch, exit.
// A second signal while draining exits at once: whoever sends it has stopped waiting.
import type { Server as HttpServer } from 'node:http';
import type { Instrumentation } from './instrument.js';

export interface GracefulShutdownOptions {
  /** The instrumentation(s) whose sessions are drained (and whose heartbeat is stopped). */
  instrumentation?: Instrumentation | Instrumentation[];
  /** HTTP servers to stop accepting connections on; their remaining connections end after the drain. */
  servers?: Pick<HttpServer, 'close' | 'closeIdleConnections' | 'closeAllConnections'>[];
  /** The bound on the whole shutdown. Default 10 000 ms, under Kubernetes' 30 s grace period. */
  timeoutMs?: number;
  /** Default SIGTERM and SIGINT. */
  signals?: NodeJS.Signals[];
  /** Also shut down when stdin ends: how a stdio client says it is done. Default false. */
  stdinEnd?: boolean;
  /** The application's own cleanup (database pools), after the drain, within what is left of the bound. */
  onShutdown?: () => unknown;
  /** Call process.exit when done (code 0 when everything drained, 1 otherwise). Default true. */
  exit?: boolean;
}

export interface GracefulShutdown {
  /** Runs the shutdown now (also what a signal does); resolves with the exit code. Idempotent. */
  shutdown(reason?: string): Promise<number>;
  /** Removes the signal and stdin listeners. */
  dispose(): void;
}

export function gracefulShutdown(options: GracefulShutdownOptions = {}): GracefulShutdown {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const instrumentations = [options.instrumentation ?? []].flat();
  const exit = options.exit ?? true;
  const logger = instrumentations[0]?.logger;
  let running: Promise<number> | undefined;

  async function run(reason: string): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    logger?.info('shutting down', { reason, timeout_ms: timeoutMs });
    for (const server of options.servers ?? []) {
      // close() stops accepting; idle keep-alive sockets would otherwise hold it open for their timeout.
      server.close();
      server.closeIdleConnections();
    }
    const drained = await Promise.all(
      instrumentations.map((i) => i.drain(Math.max(0, deadline - Date.now()))),
    );
    let code = drained.every(Boolean) ? 0 : 1;
    if (options.onShutdown) {
      let timer: NodeJS.Timeout | undefined;
      const left = Math.max(0, deadline - Date.now());
      const outcome = await Promise.race([
        Promise.resolve()
          .then(options.onShutdown)
          .then(
            () => 'done' as const,
            (err: unknown) => {
              logger?.error('shutdown hook failed', {
                error: err instanceof Error ? err.message : String(err),
              });
              return 'failed' as const;
            },
          ),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), left).unref();
        }),
      ]);
      clearTimeout(timer);
      if (outcome !== 'done') code = 1;
      if (outcome === 'timeout') logger?.error('shutdown hook did not finish in time', { timeout_ms: left });
    }
    // Streams still open (SSE, long polls) have had their chance.
    for (const server of options.servers ?? []) server.closeAllConnections();
    logger?.info('shut down', { reason, exit_code: code });
    return code;
  }

  const shutdown = (reason = 'shutdown'): Promise<number> => {
    running ??= run(reason).then((code) => {
      dispose();
      if (exit) process.exit(code);
      return code;
    });
    return running;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (running) {
      logger?.warn('second signal while shutting down: exiting now', { signal });
      if (exit) process.exit(1);
      return;
    }
    void shutdown(signal);
  };
  const onStdinEnd = () => void shutdown('stdin closed');
  for (const signal of signals) process.on(signal, onSignal);
  if (options.stdinEnd) process.stdin.on('end', onStdinEnd);

  function dispose(): void {
    for (const signal of signals) process.off(signal, onSignal);
    // Touching process.stdin creates the stream; an HTTP server that never asked for it should not get one.
    if (options.stdinEnd) process.stdin.off('end', onStdinEnd);
  }

  return { shutdown, dispose };
}
