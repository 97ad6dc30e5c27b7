import { describe, expect, it } from 'vitest';
import { ManualClock, settle } from './clock.js';
import { MinHeap } from './heap.js';
import { type Job, Scheduler, spread } from './scheduler.js';

/** A job whose runs are recorded and whose duration the test sets; runs end when the clock passes it. */
function job(
  clock: ManualClock,
  id: string,
  intervalMs: number,
  durationMs = 0,
  log: [string, number][] = [],
) {
  let active = 0;
  let maxActive = 0;
  const j: Job & { starts: number[]; maxActive: () => number } = {
    id,
    intervalMs,
    starts: [],
    maxActive: () => maxActive,
    run: (signal) => {
      j.starts.push(clock.now());
      log.push([id, clock.now()]);
      active++;
      maxActive = Math.max(maxActive, active);
      return new Promise<void>((resolve) => {
        const done = () => {
          active--;
          resolve();
        };
        const handle = clock.setTimer(done, durationMs);
        signal.addEventListener('abort', () => {
          clock.clearTimer(handle);
          done();
        });
      });
    },
  };
  return j;
}

describe('Scheduler', () => {
  it('runs a job first when told (a restart resuming its slots), then every interval from there', async () => {
    const clock = new ManualClock();
    const s = new Scheduler({ concurrency: 10, clock, random: () => 0 });
    const told = job(clock, 'resumed', 60_000);
    const overdue = job(clock, 'overdue', 60_000);
    s.add(told, 42_000);
    s.add(overdue, -5_000);
    await settle();
    await clock.advance(150_000);
    expect(told.starts).toEqual([42_000, 102_000]);
    expect(overdue.starts).toEqual([0, 60_000, 120_000]);
  });

  it('spreads first runs over the interval instead of starting them together', async () => {
    const clock = new ManualClock();
    const s = new Scheduler({ concurrency: 1000, clock, random: () => 0 });
    const log: [string, number][] = [];
    for (let i = 0; i < 600; i++) s.add(job(clock, `monitor-${i}`, 60_000, 0, log));
    await clock.advance(60_000);
    expect(log).toHaveLength(600);
    const perSecond = new Map<number, number>();
    for (const [, t] of log)
      perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    // 600 jobs over 60 s: about 10 a second; a herd would put hundreds in one second.
    expect(Math.max(...perSecond.values())).toBeLessThan(30);
    expect(perSecond.size).toBeGreaterThan(50);
  });

  it('keeps each job on its slots for hours: jitter never accumulates into drift', async () => {
    const clock = new ManualClock();
    let r = 0;
    const s = new Scheduler({ concurrency: 10, clock, random: () => (r = (r + 0.37) % 1) });
    const j = job(clock, 'steady', 10_000, 50);
    s.add(j);
    await clock.advance(10_000 * 1000);
    const first = j.starts[0] as number;
    expect(j.starts.length).toBeGreaterThanOrEqual(999);
    j.starts.forEach((t, k) => {
      // Slot k starts at first + k * interval, plus at most the jitter bound (2% of 10 s = 200 ms).
      expect(t - (first + k * 10_000)).toBeGreaterThanOrEqual(-200);
      expect(t - (first + k * 10_000)).toBeLessThanOrEqual(200);
    });
  });

  it('never runs one job twice at once, and reports the slots a long check skipped', async () => {
    const clock = new ManualClock();
    const overruns: [string, number][] = [];
    const s = new Scheduler({
      concurrency: 10,
      clock,
      random: () => 0,
      onOverrun: (id, n) => overruns.push([id, n]),
    });
    const slow = job(clock, 'slow', 1000, 2500);
    s.add(slow);
    await clock.advance(20_000);
    expect(slow.maxActive()).toBe(1);
    expect(overruns.length).toBeGreaterThan(0);
    expect(overruns.every(([id, n]) => id === 'slow' && n === 2)).toBe(true);
    expect(s.stats().overruns).toBe(overruns.length);
    // Each run starts on a slot after the previous one ended: three seconds apart.
    const gaps = slow.starts.slice(1).map((t, i) => t - (slow.starts[i] as number));
    expect(gaps.every((g) => g >= 2500)).toBe(true);
  });

  it('bounds the checks running together and measures how late the waiting ones start', async () => {
    const clock = new ManualClock();
    const s = new Scheduler({ concurrency: 2, clock, random: () => 0 });
    let active = 0;
    let peak = 0;
    for (let i = 0; i < 10; i++) {
      s.add({
        id: `j${i}`,
        intervalMs: 60_000,
        run: () =>
          new Promise<void>((resolve) => {
            active++;
            peak = Math.max(peak, active);
            clock.setTimer(() => {
              active--;
              resolve();
            }, 5_000);
          }),
      });
    }
    await clock.advance(60_000);
    expect(peak).toBe(2);
    expect(s.stats().lagMs.max).toBeGreaterThan(0);
  });

  it('says how far behind it is while due checks wait, and catches up to zero', async () => {
    const clock = new ManualClock();
    const s = new Scheduler({ concurrency: 1, clock, random: () => 0 });
    const slow = job(clock, 'slow', 600_000, 90_000);
    const next = job(clock, 'next', 600_000, 10);
    s.add(slow, 0);
    s.add(next, 1_000);
    await settle();
    expect(s.behindMs()).toBe(0);
    await clock.advance(61_000);
    // 'next' was due at 1 s and still waits behind the one slot 'slow' holds.
    expect(s.behindMs()).toBe(60_000);
    await clock.advance(30_000);
    expect(next.starts).toEqual([90_000]);
    expect(s.behindMs()).toBe(0);
  });

  it('has no lag when capacity is enough', async () => {
    const clock = new ManualClock();
    const s = new Scheduler({ concurrency: 100, clock, random: () => 0 });
    for (let i = 0; i < 50; i++) s.add(job(clock, `j${i}`, 5_000, 10));
    await clock.advance(60_000);
    expect(s.stats().lagMs.max).toBe(0);
  });

  it('goes on after a check throws, and stops scheduling removed jobs', async () => {
    const clock = new ManualClock();
    const s = new Scheduler({ concurrency: 5, clock, random: () => 0 });
    let runs = 0;
    s.add({
      id: 'throws',
      intervalMs: 1000,
      run: async () => {
        runs++;
        throw new Error('boom');
      },
    });
    await clock.advance(5_000);
    expect(runs).toBeGreaterThanOrEqual(4);
    s.remove('throws');
    const before = runs;
    await clock.advance(5_000);
    expect(runs).toBe(before);
  });

  it('runs a job now on request, unless it is already running', async () => {
    const clock = new ManualClock();
    const s = new Scheduler({ concurrency: 5, clock, random: () => 0 });
    const j = job(clock, 'on-demand', 3_600_000, 1000);
    s.add(j);
    expect(s.runNow('on-demand')).toBe(true);
    await settle();
    expect(j.starts).toEqual([0]);
    expect(s.runNow('on-demand')).toBe(false);
    expect(s.runNow('unknown')).toBe(false);
  });

  it('stops: lets running checks finish within the grace, then aborts them', async () => {
    const clock = new ManualClock();
    const s = new Scheduler({ concurrency: 5, clock, random: () => 0 });
    const j = job(clock, 'long', 1000, 60_000);
    s.add(j);
    s.runNow('long');
    await settle();
    expect(s.stats().running).toBe(1);
    let stopped = false;
    s.stop(5_000).then(() => {
      stopped = true;
    });
    await clock.advance(4_000);
    expect(stopped).toBe(false);
    await clock.advance(2_000);
    expect(stopped).toBe(true);
    expect(s.stats().running).toBe(0);
    await clock.advance(60_000);
    expect(j.starts).toHaveLength(1);
  });
});

describe('spread', () => {
  it('is stable per id and covers [0, 1)', () => {
    expect(spread('a')).toBe(spread('a'));
    const values = Array.from({ length: 1000 }, (_, i) => spread(`m${i}`));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.filter((v) => v < 0.5).length).toBeGreaterThan(400);
  });
});

describe('MinHeap', () => {
  it('pops in key order', () => {
    const h = new MinHeap<number>();
    const keys = Array.from({ length: 200 }, (_, i) => (i * 7919) % 211);
    for (const k of keys) h.push(k, k);
    const out: number[] = [];
    for (let v = h.pop(); v; v = h.pop()) out.push(v.key);
    expect(out).toEqual([...keys].sort((a, b) => a - b));
  });
});
