import { timingSafeEqual } from 'node:crypto';
import { displayUrl, PROBES, type ProbeFn, type ProbeResult } from '@mcpwatch/probe';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, sendApiError } from '../api/errors.js';
import type { Config } from '../config/config-schema.js';
import { DEFAULT_PROBE_MODULES, type ProbeModules } from '../config/probe-module-schema.js';
import { CONTENT_TYPES } from '../metrics/exposition.js';
import { negotiate } from '../metrics/routes.js';
import type { Service } from '../service/service.js';
import { OptionsCache, type ProbePlan, planProbe } from './plan.js';
import { renderProbe } from './probe-metrics.js';

export interface ProbeRouteOptions {
  /**
   * The `probeModules` in force, read on each request so a reloaded config applies at the next scrape;
   * undefined when the config has none (the defaults apply then).
   */
  modules: () => ProbeModules | undefined;
  /** When set, `/probe` answers 401 without `Authorization: Bearer <token>` (as `/metrics` does). */
  token?: string | undefined;
  /** Told of each probe answered, for a process that counts them. */
  onProbe?: (module: string, result: ProbeResult) => void;
}

/**
 * A probe whose own deadline has passed gets this long for its cleanup (closing a session) before the
 * route answers without it: well inside the offset kept from Prometheus's scrape timeout.
 */
const CLEANUP_GRACE_MS = 200;

/**
 * `GET /probe?target=…&module=…`, blackbox_exporter's contract: one probe of the target with the module's
 * options, run now, answered with that run's metrics. Stateless: nothing is read from or written to the
 * store, and nothing outlives the request. The answer is bounded by the budget whatever the server does,
 * and a scraper that hangs up cancels its probe.
 */
export function probeRoutes(app: FastifyInstance, options: ProbeRouteOptions): void {
  const cache = new OptionsCache();
  const token = options.token ? Buffer.from(`Bearer ${options.token}`) : undefined;

  app.get('/probe', async (request, reply) => {
    if (token && !tokenMatches(request, token)) {
      reply.header('www-authenticate', 'Bearer realm="mcpwatch metrics"');
      return sendApiError(
        reply,
        new ApiError(401, 'unauthorized', 'GET /probe needs Authorization: Bearer <token>'),
      );
    }
    const plan = planProbe(
      {
        query: request.query as Record<string, unknown>,
        scrapeTimeout: request.headers['x-prometheus-scrape-timeout-seconds'],
      },
      options.modules() ?? DEFAULT_PROBE_MODULES,
      cache,
    );
    if ('code' in plan) return sendApiError(reply, new ApiError(400, plan.code, plan.message));
    const controller = new AbortController();
    const hangUp = () => {
      if (!reply.raw.writableEnded) controller.abort(new Error('The scraper closed the connection'));
    };
    reply.raw.once('close', hangUp);
    let result: ProbeResult;
    try {
      result = await runBounded(PROBES[plan.kind].probe as ProbeFn, plan, controller);
    } catch (error) {
      // The probe throws a TypeError only for input no server could satisfy: the request's to fix.
      if (error instanceof TypeError) {
        return sendApiError(reply, new ApiError(400, 'invalid_target', error.message));
      }
      throw error;
    } finally {
      reply.raw.off('close', hangUp);
    }
    options.onProbe?.(plan.module, result);
    const format = negotiate(request.headers.accept);
    reply.header('content-type', CONTENT_TYPES[format]);
    return renderProbe(result, format);
  });
}

/**
 * Runs the plan's probe with its budget as the probe's own deadline (so a slow server is reported as a
 * `timeout` in its phase), and answers at the latest a grace period after it even if the probe is still
 * cleaning up: then the probe is cancelled and the answer is a timeout made here.
 */
export async function runBounded(
  probe: ProbeFn,
  plan: ProbePlan,
  controller: AbortController,
): Promise<ProbeResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('The probe outlived its budget'));
      resolve({
        kind: plan.kind,
        // As the probe itself reports a target: a password in a URL is never shown.
        target: URL.canParse(plan.target) ? displayUrl(new URL(plan.target)) : plan.target,
        status: 'down',
        reason: 'timeout',
        message: `No verdict within the ${plan.budgetMs} ms budget`,
        startedAt: startedAt.toISOString(),
        durationMs: performance.now() - t0,
        timings: {},
        checks: [],
      });
    }, plan.budgetMs + CLEANUP_GRACE_MS);
  });
  try {
    return await Promise.race([probe(plan.target, plan.options, controller.signal), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `Authorization` compared in constant time, so a wrong token reveals nothing of the right one. */
export function tokenMatches(request: FastifyRequest, expected: Buffer): boolean {
  const given = Buffer.from(request.headers.authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The `probeModules` of the config file `mcpwatch serve` runs. The service keeps its config watcher to
 * itself and offers no accessor for the config in force, so this reads the watcher it holds;
 * probe-route.test.ts proves it through a real `startServer`, so a rename there fails a test, not a scrape.
 */
export function serviceProbeModules(service: Service): () => ProbeModules | undefined {
  const held = service as unknown as { watcher?: { config: Config } };
  return () => held.watcher?.config.probeModules;
}
