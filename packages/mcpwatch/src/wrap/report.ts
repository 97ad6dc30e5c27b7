import { MAX_NAME_LENGTH as MAX_NAME } from '../traffic/report-limits.js';
import type { TrafficReport } from '../traffic/report-schema.js';
import type { Exchange } from './observer.js';

/**
 * What `mcpwatch wrap --report URL` POSTs (docs/wrap.md), the type of the schema the service validates it
 * with. Counts are deltas for [from, to): requests the server answered, errors among them (JSON-RPC errors
 * and tool results with `isError: true`), and per-tool figures.
 */
export type WrapReport = TrafficReport;

/** Durations kept per tool and interval for the median; past it, a uniform sample of them. */
const MAX_SAMPLES = 4096;
/** Distinct tools per report; calls to more are counted under OTHER_TOOLS. The service takes up to 1,000. */
const MAX_TOOLS = 200;
export const OTHER_TOOLS = 'other';

interface ToolTally {
  calls: number;
  errors: number;
  sum: number;
  max: number;
  samples: number[];
}

/** Counts the client's answered requests until `take` hands them over and starts again. */
export class Tally {
  private requests = 0;
  private errors = 0;
  private tools = new Map<string, ToolTally>();

  record(exchange: Exchange): void {
    if (exchange.origin !== 'client') return;
    this.requests++;
    if (!exchange.ok) this.errors++;
    if (exchange.method !== 'tools/call') return;
    let name = (exchange.tool || '(no name)').slice(0, MAX_NAME);
    if (!this.tools.has(name) && this.tools.size >= MAX_TOOLS) name = OTHER_TOOLS;
    let tool = this.tools.get(name);
    if (!tool) {
      tool = { calls: 0, errors: 0, sum: 0, max: 0, samples: [] };
      this.tools.set(name, tool);
    }
    const ms = exchange.seconds * 1000;
    tool.calls++;
    if (!exchange.ok) tool.errors++;
    tool.sum += ms;
    if (ms > tool.max) tool.max = ms;
    if (tool.samples.length < MAX_SAMPLES) tool.samples.push(ms);
    else {
      // Reservoir sampling keeps every call equally likely to be among the samples.
      const slot = Math.floor(Math.random() * tool.calls);
      if (slot < MAX_SAMPLES) tool.samples[slot] = ms;
    }
  }

  get empty(): boolean {
    return this.requests === 0;
  }

  /** The report for [from, to), or undefined when nothing was answered; the tally starts again either way. */
  take(server: string, from: number, to: number): WrapReport | undefined {
    const report: WrapReport | undefined = this.empty
      ? undefined
      : {
          version: 1,
          server: server.slice(0, MAX_NAME) || '(no name)',
          from,
          to,
          requests: this.requests,
          errors: this.errors,
          tools: [...this.tools].map(([name, t]) => ({
            name,
            calls: t.calls,
            errors: t.errors,
            durationMsSum: round(t.sum),
            durationMsMax: round(t.max),
            durationMsP50: round(median(t.samples)),
          })),
        };
    this.requests = 0;
    this.errors = 0;
    this.tools = new Map();
    return report;
  }
}

function median(samples: number[]): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

/** Microsecond precision is plenty, and keeps the JSON short. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export interface ReporterOptions {
  url: string;
  server: string;
  intervalMs: number;
  /** Per report; a report still unanswered then is a failure. */
  timeoutMs?: number;
  /** The last report, on exit, waits at most this long. */
  finalTimeoutMs?: number;
  warn: (message: string) => void;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface Reporter {
  record(exchange: Exchange): void;
  /** Sends what is left (bounded by finalTimeoutMs), and stops the timer. */
  stop(): Promise<void>;
}

/**
 * POSTs the tally every interval that had traffic, and once more on stop. A report that fails is not retried:
 * the next one carries only its own interval, so a lost report is a gap. Failures are told once per outage.
 */
export function createReporter(options: ReporterOptions): Reporter {
  const now = options.now ?? Date.now;
  const post = options.fetch ?? fetch;
  const where = redactUrl(options.url);
  const tally = new Tally();
  let from = now();
  let failing = false;
  const inFlight = new Set<Promise<void>>();

  const send = (report: WrapReport, timeoutMs: number): Promise<void> => {
    const attempt = (async () => {
      try {
        const response = await post(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(report),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel().catch(() => {});
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        if (failing) options.warn(`reports reach ${where} again`);
        failing = false;
      } catch (error) {
        if (!failing) {
          options.warn(
            `a report to ${where} failed (${reason(error)}); the figures of intervals whose report fails are lost, and this is said once until reports get through again`,
          );
        }
        failing = true;
      }
    })();
    inFlight.add(attempt);
    void attempt.finally(() => inFlight.delete(attempt));
    return attempt;
  };

  // An interval without traffic sends nothing and moves `from` on all the same, so a report never spans
  // more than one interval (the service refuses one that covers more than a day).
  const flush = (timeoutMs: number): Promise<void> | undefined => {
    const to = now();
    const report = tally.take(options.server, from, to);
    from = to;
    return report ? send(report, timeoutMs) : undefined;
  };

  const timer = setInterval(() => void flush(options.timeoutMs ?? 5000), options.intervalMs);
  timer.unref();

  return {
    record: (exchange) => tally.record(exchange),
    async stop() {
      clearInterval(timer);
      const finalMs = options.finalTimeoutMs ?? 2000;
      flush(finalMs);
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise<void>((resolve) => {
          timeout = setTimeout(resolve, finalMs);
        }),
      ]);
      clearTimeout(timeout);
    },
  };
}

/** The URL with its path's token hidden: heartbeat and report URLs carry a secret. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.replace(/\/hb\/[^/]+/, '/hb/…');
    return `${u.protocol}//${u.host}${path === u.pathname ? (u.pathname === '/' ? '' : '/…') : path}`;
  } catch {
    return 'the report URL';
  }
}

function reason(error: unknown): string {
  const e = error as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError') return 'no answer in time';
  return e.cause?.code ?? e.message;
}
