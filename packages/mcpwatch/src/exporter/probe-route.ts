import { displayUrl, PROBES, type ProbeFn, type ProbeResult } from '@mcpwatch/probe';
import type { FastifyInstance } from 'fastify';
import { ApiError, sendApiError } from '../api/errors.js';
import type { ProbeModules } from '../config/probe-module-schema.js';
import { negotiate, requireBearer, sendExposition } from '../metrics/scrape-reply.js';
import { OptionsCache, type ProbePlan, planProbe } from './plan.js';
import { renderProbe } from './probe-metrics.js';

export interface ProbeRouteOptions {
  /**
   * The `probeModules` in force, read on each request so a reloaded config applies at the next scrape;
   * undefined when the config has none (the defaults apply then).
   */
  modules: () => ProbeModules | undefined;
  /**
   * The modules offered while the config defines none. Without them `/probe` is off until it does: `mcpwatch
   * serve` holds credentials and an API, so it does not probe targets strangers name unless asked to.
   */
  defaults?: ProbeModules;
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

  app.get('/probe', { onRequest: requireBearer(options.token, 'GET /probe') }, async (request, reply) => {
    const modules = options.modules() ?? options.defaults;
    if (!modules) {
      return sendApiError(
        reply,
        new ApiError(
          404,
          'probe_not_enabled',
          'GET /probe is off: define probeModules in mcpwatch.yaml to turn it on (or run `mcpwatch exporter`, which offers mcp, http_2xx and tcp_connect)',
        ),
      );
    }
    const plan = planProbe(
      {
        query: request.query as Record<string, unknown>,
        scrapeTimeout: request.headers['x-prometheus-scrape-timeout-seconds'],
      },
      modules,
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
    return sendExposition(request, reply, renderProbe(result, format), format);
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
