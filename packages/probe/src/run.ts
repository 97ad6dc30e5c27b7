import { type Budget, ProbeContext, round, toFailure } from './context.js';
import { ProbeFailure } from './failure.js';
import type { ProbeResult } from './result.js';

export interface RunOptions extends Budget {
  slowMs: number;
}

/** What a probe body fills in; the runner adds status, reason, message and timings. */
export type Draft = Omit<
  ProbeResult,
  'status' | 'message' | 'startedAt' | 'durationMs' | 'timings' | 'checks'
>;

/**
 * Runs one probe body under its deadline and turns whatever happens into a ProbeResult: a ProbeFailure
 * keeps its reason; anything else thrown becomes `invalid_response` with its message, so no server can
 * make a probe throw. A body returns a one-line summary when it succeeds and may register cleanup,
 * which runs after the verdict is timed and is reported as the `close` phase.
 */
export async function runProbe(
  kind: string,
  target: string,
  options: RunOptions,
  signal: AbortSignal | undefined,
  body: (ctx: ProbeContext, draft: Draft, cleanup: (fn: () => Promise<void>) => void) => Promise<string>,
): Promise<ProbeResult> {
  const startedAt = new Date().toISOString();
  const ctx = new ProbeContext(options, signal);
  const draft: Draft = { kind, target };
  const cleanups: (() => Promise<void>)[] = [];
  let outcome: { summary: string } | { failure: ProbeFailure };
  try {
    outcome = { summary: await body(ctx, draft, (fn) => cleanups.push(fn)) };
  } catch (error) {
    outcome = {
      failure:
        ctx.cancelled(ctx.current) ??
        (error instanceof ProbeFailure ? error : toFailure(error, ctx.current ?? 'request', ctx.signal)),
    };
  }
  const durationMs = round(ctx.elapsed());
  if (cleanups.length > 0) {
    const t0 = performance.now();
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
    ctx.record('close', performance.now() - t0);
  }
  ctx.dispose();
  // connect() records the first certificate on the context, also when its verdict fails the probe.
  if (ctx.tls) draft.tls = ctx.tls;
  const result: ProbeResult = {
    ...draft,
    status: 'up',
    message: '',
    startedAt,
    durationMs,
    timings: ctx.timings,
    checks: ctx.checks,
  };
  if ('failure' in outcome) {
    const { failure } = outcome;
    result.status = 'down';
    result.reason = failure.reason;
    result.message = oneLine(failure.message);
    if (failure.phase ?? ctx.current) result.phase = failure.phase ?? ctx.current;
    return result;
  }
  const soft = ctx.checks.find((c) => !c.ok && c.soft);
  if (soft?.soft) {
    result.status = 'degraded';
    result.reason = soft.soft;
    result.message = oneLine(`${outcome.summary}; but ${soft.detail}`);
  } else if (durationMs > options.slowMs) {
    result.status = 'degraded';
    result.reason = 'slow';
    result.message = `${outcome.summary}; but took ${Math.round(durationMs)} ms (slow above ${options.slowMs} ms)`;
    ctx.check('fast', false, `took ${Math.round(durationMs)} ms`, 'slow');
  } else {
    result.message = outcome.summary;
  }
  return result;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
