import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { wholeNumber } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';

/** blackbox_exporter's port: a Prometheus config written for it needs only the address changed. */
export const DEFAULT_EXPORTER_PORT = 9116;

interface ExporterFlags {
  port: number;
  host: string;
  config?: string;
  logLevel: string;
}

/**
 * `mcpwatch exporter`: only `GET /probe` (and the process's own /metrics, /live, /ready), for teams whose
 * Prometheus owns the target list. The server and its dependencies load when the command runs, not on
 * every start of the CLI.
 */
export function registerExporter(program: Command, context: CliContext): void {
  const env = context.env;
  program
    .command('exporter')
    .summary('serve /probe for a Prometheus that owns its targets (no store, no scheduler)')
    .description(
      'Serve GET /probe?target=…&module=… as blackbox_exporter does: each request probes one target with the options of a module from probeModules in mcpwatch.yaml (default modules: mcp, http_2xx, tcp_connect) and answers its metrics. Nothing is stored; MCPWATCH_METRICS_TOKEN, when set, guards /probe and /metrics.',
    )
    .option(
      '-p, --port <port>',
      'port to listen on',
      wholeNumber('a port', DEFAULT_EXPORTER_PORT, 0),
      DEFAULT_EXPORTER_PORT,
    )
    .option(
      '--host <address>',
      'address to listen on; 0.0.0.0 for every interface (MCPWATCH_HOST)',
      env.MCPWATCH_HOST ?? '127.0.0.1',
    )
    .option(
      '-c, --config <file>',
      'mcpwatch.yaml whose probeModules to use (MCPWATCH_CONFIG; default ./mcpwatch.yaml when it exists)',
      env.MCPWATCH_CONFIG,
    )
    .option(
      '--log-level <level>',
      'fatal, error, warn, info, debug or trace (LOG_LEVEL)',
      env.LOG_LEVEL ?? 'info',
    )
    .action(async (flags: ExporterFlags) => {
      context.exit(await exporter(flags, context));
    });
}

async function exporter(flags: ExporterFlags, context: CliContext): Promise<number> {
  const [{ startExporter }, { createLogger }, { ConfigError }] = await Promise.all([
    import('../exporter/exporter-server.js'),
    import('../logger.js'),
    import('../config/config-error.js'),
  ]);
  const log = createLogger({ level: flags.logLevel, pretty: process.stderr.isTTY === true });
  const configFile = flags.config ?? (existsSync('mcpwatch.yaml') ? 'mcpwatch.yaml' : undefined);
  let running: Awaited<ReturnType<typeof startExporter>>;
  try {
    running = await startExporter({
      port: flags.port,
      host: flags.host,
      ...(configFile !== undefined ? { configFile } : {}),
      env: context.env,
      log,
    });
  } catch (error) {
    // A config that does not load and a taken port are the operator's to fix: one clear message.
    if (error instanceof ConfigError) throw new UsageError(error.message);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`Port ${flags.port} on ${flags.host} is taken: stop what uses it, or pass --port`);
    }
    throw error;
  }
  log.info(
    { url: running.url, config: configFile ?? null },
    `mcpwatch exporter is serving ${running.url}/probe?target=…&module=…`,
  );
  await new Promise<void>((resolve) => {
    if (context.signal.aborted) resolve();
    else context.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await running.close();
  log.info('Stopped cleanly');
  log.flush();
  return EXIT.up;
}
