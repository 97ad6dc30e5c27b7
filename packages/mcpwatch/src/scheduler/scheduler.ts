import { type Clock, systemClock } from './clock.js';
import { MinHeap } from './heap.js';

export interface Job {
  id: string;
  intervalMs: number;
  /** One check. The signal aborts it when the scheduler stops past its grace. */
  run(signal: AbortSignal): Promise<void>;
}

export interface SchedulerOptions {
  /** Checks running at once, across all jobs. */
  concurrency: number;
  clock?: Clock;
  /** Random in [0, 1): jitter only; the spread of first runs is derived from each job's id. */
  random?: () => number;
  /** Upper bound of the jitter added to each run, as a share of the interval (capped at one second). */
  jitterRatio?: number;
  /** A check ended after its next slot had passed (it ran long, or started late): reported, never stacked. */
  onOverrun?: (id: string, skipped: number) => void;
}

export interface SchedulerStats {
  jobs: number;
  running: number;
  /** Due but waiting for a free slot under the concurrency bound. */
  waiting: number;
  /** How late checks started after their slot, over the last 1,024 starts. */
  lagMs: { p50: number; p99: number; max: number };
  overruns: number;
}

interface Ready {
  entry: Entry;
  generation: number;
  slot: number;
}

interface Entry {
  job: Job;
  /** The slot this run belongs to; the next slot is base + interval, whatever the jitter or lag. */
  base: number;
  generation: number;
  running: boolean;
  controller?: AbortController;
}

const LAG_SAMPLES = 1024;

/**
 * Runs every job once per interval. First runs are spread over the interval by a hash of the job's id
 * (no thundering herd at start, and the same spread after a restart); each run gets a small jitter that
 * never accumulates (slots are base + k * interval, so nothing drifts over hours); a job never runs twice
 * at once; at most `concurrency` checks run together, the rest wait in slot order and their lateness is
 * measured as lag.
 */
export class Scheduler {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly jitterRatio: number;
  private readonly entries = new Map<string, Entry>();
  private readonly due = new MinHeap<{ entry: Entry; generation: number }>();
  /** Due jobs waiting for a free slot, oldest first; `readyHead` avoids shifting a long array. */
  private ready: Ready[] = [];
  private readyHead = 0;
  /** A ring of the latest start lags. */
  private readonly lags: number[] = [];
  private lagNext = 0;
  private onIdle: (() => void) | undefined;
  private timer: unknown;
  private timerAt = Number.POSITIVE_INFINITY;
  private running = 0;
  private overruns = 0;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {
    if (!(options.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.jitterRatio = options.jitterRatio ?? 0.02;
  }

  /**
   * Schedules a job. Its first run is `firstRunInMs` from now when the caller knows better (a job that ran
   * before a restart is next due one interval after its last run), else spread over the first interval.
   */
  add(job: Job, firstRunInMs?: number): void {
    if (!(job.intervalMs > 0)) throw new RangeError(`${job.id}: intervalMs must be positive`);
    if (this.entries.has(job.id)) this.remove(job.id);
    const delay = firstRunInMs === undefined ? spread(job.id) * job.intervalMs : Math.max(0, firstRunInMs);
    const entry: Entry = {
      job,
      base: this.clock.now() + delay,
      generation: 0,
      running: false,
    };
    this.entries.set(job.id, entry);
    this.enqueue(entry, entry.base);
    this.pump();
  }

  /** Stops scheduling a job; a check already running finishes and is not followed by another. */
  remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.generation++;
    this.entries.delete(id);
  }

  /** Runs a job as soon as a slot is free (a "check now"), unless it is running already. */
  runNow(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry || entry.running) return false;
    entry.generation++;
    entry.base = this.clock.now();
    this.enqueue(entry, entry.base);
    this.pump();
    return true;
  }

  /**
   * How far behind the schedule is now: the age of the oldest slot that is due but not started, whether it
   * waits for a free check slot or its timer never fired. Zero when every due job is running.
   */
  behindMs(): number {
    const now = this.clock.now();
    const timerDue = this.due.peekKey();
    const late = timerDue !== undefined && timerDue < now ? now - timerDue : 0;
    const waiting = this.ready[this.readyHead];
    return Math.max(late, waiting ? now - waiting.slot : 0);
  }

  stats(): SchedulerStats {
    const sorted = [...this.lags].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return {
      jobs: this.entries.size,
      running: this.running,
      waiting: this.ready.length - this.readyHead,
      lagMs: { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 },
      overruns: this.overruns,
    };
  }

  /**
   * Stops starting checks, gives the running ones `graceMs` to finish, then aborts them. Resolves when
   * every check has returned or the grace is over, whichever comes first.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.ready = [];
    this.readyHead = 0;
    if (this.running === 0) return;
    await new Promise<void>((resolve) => {
      const handle = this.clock.setTimer(() => {
        for (const entry of this.entries.values())
          entry.controller?.abort(new Error('The scheduler stopped'));
        resolve();
      }, graceMs);
      this.onIdle = () => {
        this.clock.clearTimer(handle);
        resolve();
      };
    });
  }

  private enqueue(entry: Entry, at: number): void {
    this.due.push(at, { entry, generation: entry.generation });
  }

  /** Moves due jobs to the ready queue, starts what the bound allows, and arms one timer for the next. */
  private pump(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    for (let key = this.due.peekKey(); key !== undefined && key <= now; key = this.due.peekKey()) {
      const item = this.due.pop();
      if (!item) break;
      const { entry, generation } = item.value;
      if (this.current(entry, generation)) this.ready.push({ entry, generation, slot: key });
    }
    while (this.running < this.options.concurrency && this.readyHead < this.ready.length) {
      const { entry, generation, slot } = this.ready[this.readyHead++] as Ready;
      // Still the job's current schedule: not removed, replaced or started by a "check now" meanwhile.
      if (this.current(entry, generation)) this.start(entry, slot);
    }
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    this.arm();
  }

  private current(entry: Entry, generation: number): boolean {
    return !entry.running && entry.generation === generation && this.entries.get(entry.job.id) === entry;
  }

  private arm(): void {
    const next = this.due.peekKey();
    if (next === undefined || next >= this.timerAt) return;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timerAt = next;
    this.timer = this.clock.setTimer(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, next - this.clock.now()),
    );
  }

  private start(entry: Entry, slot: number): void {
    const startedAt = this.clock.now();
    this.lags[this.lagNext] = Math.max(0, startedAt - slot);
    this.lagNext = (this.lagNext + 1) % LAG_SAMPLES;
    this.running++;
    entry.running = true;
    const controller = new AbortController();
    entry.controller = controller;
    const generation = entry.generation;
    Promise.resolve()
      .then(() => entry.job.run(controller.signal))
      .catch(() => {
        // A check reports its own failures; a throw here must not stop the schedule.
      })
      .finally(() => {
        this.running--;
        entry.running = false;
        entry.controller = undefined;
        if (this.running === 0) this.onIdle?.();
        if (!this.stopped && generation === entry.generation && this.entries.get(entry.job.id) === entry) {
          this.reschedule(entry);
        }
        this.pump();
      });
  }

  /** The next slot after now; slots that passed while the check ran are skipped and reported. */
  private reschedule(entry: Entry): void {
    const { intervalMs } = entry.job;
    const now = this.clock.now();
    const skipped = Math.max(0, Math.floor((now - entry.base) / intervalMs));
    if (skipped > 0) {
      this.overruns++;
      this.options.onOverrun?.(entry.job.id, skipped);
    }
    entry.base += (skipped + 1) * intervalMs;
    const jitter = this.random() * Math.min(intervalMs * this.jitterRatio, 1000);
    this.enqueue(entry, entry.base + jitter);
  }
}

/** A stable fraction in [0, 1) from a job id (FNV-1a, mixed), so first runs spread the same way on every start. */
export function spread(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // FNV-1a leaves the high bits of similar short ids (monitor-1, monitor-2…) close: finish with
  // murmur3's mixer so the fraction is spread evenly.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}
