import path from 'node:path';
import type { ProbeResult } from '@mcpwatch/probe';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { ApiError, sendApiError } from '../api/errors.js';
import { liveRoute } from '../api/health.js';
import { DEFAULT_PROBE_MODULES } from '../config/probe-module-schema.js';
import { Exposition, escapeLabel, type Format } from '../metrics/exposition.js';
import { negotiate, requireBearer, sendExposition } from '../metrics/scrape-reply.js';
import { probeRoutes } from './probe-route.js';

export interface ExporterOptions {
  port: number;
  host: string;
  /** mcpwatch.yaml, for its `probeModules` (its monitors are not run); watched and reloaded. */
  configFile?: string;
  /** The environment: `${NAME}` in the file, and `MCPWATCH_METRICS_TOKEN`. */
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
}

export interface RunningExporter {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Probes answered since the start, by module and outcome: the one thing this process counts. */
type Counts = Map<string, { success: number; failure: number }>;

/**
 * `mcpwatch exporter` without the command line: `/probe`, the process's own `/metrics`, `/live` and
 * `/ready`, and nothing else. No store and no scheduler, so any number of copies can run behind a load
 * balancer for a Prometheus that keeps its own target list.
 */
export async function startExporter(options: ExporterOptions): Promise<RunningExporter> {
  const { log } = options;
  // A config that does not load ends the start: an exporter without its modules would answer 400s. The
  // config code (every monitor and channel schema, YAML) loads only for a file: a third of the start-up.
  const watcher =
    options.configFile === undefined
      ? undefined
      : await (await import('../config/watch-config.js')).ConfigWatcher.start(
          path.resolve(options.configFile),
          {
            source: { env: options.env },
          },
        );
  let configError: string | null = null;
  watcher?.on('reload', () => {
    configError = null;
    log.info('Config reloaded: the new probe modules apply from the next request');
  });
  watcher?.on('invalid', (error) => {
    configError = error.message;
    log.error(`${error.message}\nThe last good config stays in force.`);
  });
  const token = options.env.MCPWATCH_METRICS_TOKEN || undefined;
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // A scrape every few seconds per target would drown everything else.
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
  });
  const counts: Counts = new Map();
  probeRoutes(app, {
    modules: () => watcher?.config.probeModules,
    defaults: DEFAULT_PROBE_MODULES,
    token,
    onProbe: (module, result) => count(counts, module, result),
  });
  app.get('/metrics', { onRequest: requireBearer(token, 'GET /metrics') }, async (request, reply) => {
    const format = negotiate(request.headers.accept);
    return sendExposition(request, reply, ownMetrics(format, counts, configError === null), format);
  });
  liveRoute(app);
  app.get('/ready', async (_request, reply) => {
    const checks = { config: configError === null };
    reply.code(checks.config ? 200 : 503);
    return checks.config
      ? { status: 'ready', checks }
      : { status: 'not ready', failing: ['config'], checks, error: configError };
  });
  app.setNotFoundHandler((request, reply) =>
    sendApiError(
      reply,
      new ApiError(
        404,
        'not_found',
        `No route ${request.method} ${request.url.split('?')[0]}: mcpwatch exporter serves GET /probe, /metrics, /live and /ready`,
      ),
    ),
  );
  app.addHook('onClose', async () => watcher?.close());
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}

function count(counts: Counts, module: string, result: ProbeResult): void {
  let entry = counts.get(module);
  if (!entry) {
    entry = { success: 0, failure: 0 };
    counts.set(module, entry);
  }
  if (result.status === 'down') entry.failure++;
  else entry.success++;
}

/** The exporter's own health, named as prom-client's default metrics are, so the usual dashboards work. */
function ownMetrics(format: Format, counts: Counts, configOk: boolean): Buffer {
  const out = new Exposition(format, 4096);
  const probes: [string, number][] = [];
  for (const [module, c] of counts) {
    const label = `module="${escapeLabel(module)}"`;
    probes.push([`${label},result="success"`, c.success], [`${label},result="failure"`, c.failure]);
  }
  out.family(
    'mcpwatch_exporter_probes_total',
    'counter',
    'Probes answered on /probe since the start, by module and result.',
    probes,
  );
  out.family(
    'mcpwatch_exporter_config_last_reload_successful',
    'gauge',
    'Whether the last load of the config file succeeded.',
    [['', configOk ? 1 : 0]],
  );
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  out.family('process_cpu_user_seconds_total', 'counter', 'User CPU time spent in seconds.', [
    ['', cpu.user / 1e6],
  ]);
  out.family('process_cpu_system_seconds_total', 'counter', 'System CPU time spent in seconds.', [
    ['', cpu.system / 1e6],
  ]);
  out.family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', [
    ['', (cpu.user + cpu.system) / 1e6],
  ]);
  out.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [['', memory.rss]]);
  out.family(
    'process_start_time_seconds',
    'gauge',
    'Start time of the process since unix epoch in seconds.',
    [['', Math.round((Date.now() - process.uptime() * 1000) / 1000)]],
  );
  out.family('nodejs_heap_size_used_bytes', 'gauge', 'Process heap size used from Node.js in bytes.', [
    ['', memory.heapUsed],
  ]);
  out.family('nodejs_heap_size_total_bytes', 'gauge', 'Process heap size from Node.js in bytes.', [
    ['', memory.heapTotal],
  ]);
  return out.finish();
}
