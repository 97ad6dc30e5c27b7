import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { wholeNumber } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { boundHeapGrowth } from '../heap-growth.js';
import { createLogger } from '../logger.js';
import { runnerFor } from '../service/runners.js';
import { startServer } from '../start-server.js';
import { StoreError } from '../store/index.js';
import { startTracing } from '../tracing/index.js';
import { parseTrustProxy } from '../trust-proxy.js';
import { UsageError } from '../usage-error.js';
import { storeOptions, storeUrl } from './store-options.js';

export const DEFAULT_PORT = 7420;

interface ServeFlags {
  port: number;
  host: string;
  data: string;
  database?: string;
  config?: string;
  concurrency: number;
  logLevel: string;
  secureCookies?: boolean;
  trustProxy?: string;
  example?: boolean;
}

/**
 * `mcpwatch serve`: the monitoring service. Runs until SIGTERM or Ctrl-C, then stops scheduling, lets
 * running checks finish (10 s at most), and closes the store cleanly.
 */
export function registerServe(program: Command, context: CliContext): void {
  const env = context.env;
  storeOptions(program.command('serve'), env)
    .summary('run the monitoring service: checks, history, incidents, API')
    .description(
      'Watch the monitors of mcpwatch.yaml and those created through the API around the clock, keep their history and incidents, and serve the REST API, heartbeat URLs and health endpoints.',
    )
    .option(
      '-p, --port <port>',
      'port to listen on (MCPWATCH_PORT)',
      wholeNumber('a port', DEFAULT_PORT, 0),
      numberFrom(env.MCPWATCH_PORT) ?? DEFAULT_PORT,
    )
    .option(
      '--host <address>',
      'address to listen on; 0.0.0.0 for every interface (MCPWATCH_HOST)',
      env.MCPWATCH_HOST ?? '127.0.0.1',
    )
    .option(
      '-c, --config <file>',
      'mcpwatch.yaml to watch (MCPWATCH_CONFIG; default ./mcpwatch.yaml when it exists)',
      env.MCPWATCH_CONFIG,
    )
    .option('--concurrency <n>', 'checks running at once', wholeNumber('a number of checks', 256), 256)
    .option(
      '--log-level <level>',
      'fatal, error, warn, info, debug or trace (LOG_LEVEL)',
      env.LOG_LEVEL ?? 'info',
    )
    .option('--secure-cookies', 'mark the session cookie Secure (when users reach mcpwatch over HTTPS)')
    .option(
      '--trust-proxy <proxies>',
      'behind a reverse proxy: its addresses or CIDRs (comma-separated), or the hops to trust, so X-Forwarded-For names the client (MCPWATCH_TRUST_PROXY)',
      env.MCPWATCH_TRUST_PROXY || undefined,
    )
    .option(
      '--example',
      'also start example MCP servers (one misbehaving) and watch them with the bundled config, in <data>/example',
    )
    .action(async (flags: ServeFlags) => {
      context.exit(await serve(flags, context));
    });
}

async function serve(flags: ServeFlags, context: CliContext): Promise<number> {
  boundHeapGrowth();
  const log = createLogger({ level: flags.logLevel, pretty: process.stderr.isTTY === true });
  // The example keeps its history apart from a real one, and signs its first admin in with a fresh password.
  // Loaded only here: the server SDK costs every other start a quarter second.
  const fleet = flags.example
    ? await (await import('../demo/example-fleet.js')).startExampleFleet()
    : undefined;
  const examplePassword =
    fleet && !context.env.MCPWATCH_ADMIN_PASSWORD ? randomBytes(9).toString('base64url') : undefined;
  const env = fleet
    ? {
        ...context.env,
        ...fleet.env,
        ...(examplePassword ? { MCPWATCH_ADMIN_PASSWORD: examplePassword } : {}),
      }
    : context.env;
  const configFile =
    flags.config ?? fleet?.configFile ?? (existsSync('mcpwatch.yaml') ? 'mcpwatch.yaml' : undefined);
  const data = fleet ? path.join(flags.data, 'example') : flags.data;
  const database = storeUrl({ ...flags, data });
  // Traces only when the OpenTelemetry variables ask for them; without, not a module of the SDK is loaded.
  const tracing = await startTracing(context.env, log);
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      port: flags.port,
      host: flags.host,
      database,
      ...(configFile !== undefined ? { configFile } : {}),
      env,
      log,
      concurrency: flags.concurrency,
      ...(flags.secureCookies ? { secureCookies: true } : {}),
      ...(flags.trustProxy !== undefined ? { trustProxy: parseTrustProxy(flags.trustProxy) } : {}),
      ...(tracing ? { runnerFor: tracing.runnerFor(runnerFor) } : {}),
    });
  } catch (error) {
    await fleet?.close();
    await tracing?.shutdown();
    // A store that cannot be opened and a config that does not load are the operator's to fix: one
    // clear message and a non-zero exit, with nothing written.
    if (error instanceof StoreError) throw new UsageError(error.message);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`Port ${flags.port} on ${flags.host} is taken: stop what uses it, or pass --port`);
    }
    throw error;
  }
  if (examplePassword && server.admin.action === 'created') {
    context.stderr.write(
      `\nExample fleet running. Sign in to ${server.url} as admin with password ${examplePassword}\n` +
        `See it with: mcpwatch status --data ${data}   or   curl ${server.url}/health\n\n`,
    );
  }
  log.info(
    { url: server.url, database: database.replace(/\/\/[^@/]*@/, '//***@'), config: configFile ?? null },
    `mcpwatch is serving on ${server.url} with ${server.service.monitors.list().length} monitor(s)`,
  );
  await new Promise<void>((resolve) => {
    if (context.signal.aborted) resolve();
    else context.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  log.info('Stopping: no new checks; running checks get 10 s to finish');
  await server.close(10_000);
  // After the checks have stopped, so the last ones are in the flush; bounded, as a collector may be down.
  await tracing?.shutdown();
  await fleet?.close();
  log.info('Stopped cleanly');
  log.flush();
  return EXIT.up;
}

function numberFrom(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}
