import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';
import {
  applyPing,
  checkDeadline,
  type HeartbeatSchedule,
  type HeartbeatState,
  nextDeadline,
} from './schedule.js';
import { hashToken, newToken, parsePingPath, sameHash } from './token.js';

const S = 1000;
const period: HeartbeatSchedule = { mode: 'period', periodSec: 60, graceSec: 30 };
const activity: HeartbeatSchedule = { mode: 'activity', windowSec: 300, graceSec: 60 };

/** Runs a list of pings and deadline checks, like a heartbeat's life, returning the events in order. */
function life(
  schedule: HeartbeatSchedule,
  steps: [number, 'ping' | 'start' | 'fail' | 'stop' | 'log' | 'tick' | number][],
) {
  let state: HeartbeatState = { status: 'new' };
  const events: string[] = [];
  for (const [at, step] of steps) {
    const r =
      step === 'tick'
        ? checkDeadline(state, at * S)
        : typeof step === 'number'
          ? applyPing(state, { kind: 'success', exitCode: step }, at * S, schedule)
          : applyPing(state, { kind: step === 'ping' ? 'success' : step }, at * S, schedule);
    state = r.state;
    events.push(...r.events.map((e) => `${e.kind}@${e.at / S}`));
  }
  return { state, events };
}

describe('period heartbeats', () => {
  it('miss only after the period and the grace have passed', () => {
    const { events, state } = life(period, [
      [0, 'ping'],
      [89, 'tick'],
      [91, 'tick'],
      [95, 'tick'],
    ]);
    expect(events).toEqual(['heartbeat_up@0', 'heartbeat_missed@91']);
    expect(state.status).toBe('down');
  });

  it('come back up with the next ping, once', () => {
    const { events } = life(period, [
      [0, 'ping'],
      [100, 'tick'],
      [110, 'ping'],
      [120, 'ping'],
    ]);
    expect(events).toEqual(['heartbeat_up@0', 'heartbeat_missed@100', 'heartbeat_up@110']);
  });

  it('a started run must end within the grace', () => {
    const { events } = life(period, [
      [0, 'ping'],
      [10, 'start'],
      [39, 'tick'],
      [41, 'tick'],
    ]);
    expect(events).toEqual(['heartbeat_up@0', 'heartbeat_missed@41']);
    // After /stop in period mode the next ping is due a period later, as after a success.
    expect(
      life(period, [
        [0, 'ping'],
        [10, 'stop'],
        [99, 'tick'],
        [101, 'tick'],
      ]).events,
    ).toEqual(['heartbeat_up@0', 'heartbeat_missed@101']);
  });

  it('exit codes: 0 is success, anything else a failure reported once', () => {
    const { events } = life(period, [
      [0, 0],
      [10, 2],
      [20, 'fail'],
      [30, 0],
    ]);
    expect(events).toEqual(['heartbeat_up@0', 'heartbeat_failed@10', 'heartbeat_up@30']);
  });

  it('a log line changes nothing, and a new heartbeat never misses', () => {
    expect(
      life(period, [
        [0, 'log'],
        [10_000, 'tick'],
      ]).events,
    ).toEqual([]);
  });
});

describe('activity heartbeats (stdio servers inside an IDE)', () => {
  it('stay silent while unused and after /stop, but miss when an active server goes quiet', () => {
    const quietAfterStop = life(activity, [
      [0, 'start'],
      [100, 'ping'],
      [200, 'stop'],
      [100_000, 'tick'],
    ]);
    expect(quietAfterStop.events).toEqual(['heartbeat_up@0']);
    expect(quietAfterStop.state.status).toBe('idle');

    const died = life(activity, [
      [0, 'start'],
      [100, 'ping'],
      [459, 'tick'],
      [461, 'tick'],
    ]);
    expect(died.events).toEqual(['heartbeat_up@0', 'heartbeat_missed@461']);
  });
});

describe('cron heartbeats', () => {
  it('are due at the next scheduled time plus the grace', () => {
    const daily: HeartbeatSchedule = { mode: 'cron', schedule: '0 3 * * *', timezone: 'UTC', graceSec: 600 };
    const at = Date.parse('2026-11-22T03:00:05Z');
    expect(new Date(nextDeadline(daily, at)).toISOString()).toBe('2026-11-23T03:10:00.000Z');
  });
});

describe('tokens and URLs', () => {
  it('are long, random, stored hashed and compared in constant time', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newToken()).not.toBe(a);
    expect(sameHash(hashToken(a), hashToken(a))).toBe(true);
    expect(sameHash(hashToken(a), hashToken(`${a}x`))).toBe(false);
  });

  it('parse every ping form and nothing else', () => {
    const t = 'abcdefghijklmnopqrstuv';
    expect(parsePingPath(`/hb/${t}`)).toEqual({ token: t, kind: 'success' });
    expect(parsePingPath(`/hb/${t}/start`)).toEqual({ token: t, kind: 'start' });
    expect(parsePingPath(`/hb/${t}/stop?x=1`)).toEqual({ token: t, kind: 'stop' });
    expect(parsePingPath(`/hb/${t}/0`)).toEqual({ token: t, kind: 'success', exitCode: 0 });
    expect(parsePingPath(`/hb/${t}/137`)).toEqual({ token: t, kind: 'fail', exitCode: 137 });
    for (const bad of [`/hb/${t}/999`, `/hb/${t}/reboot`, '/hb/short', `/hb/${t}/start/extra`, `/api/${t}`]) {
      expect(parsePingPath(bad), bad).toBeUndefined();
    }
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then the average rate, per key', () => {
    let now = 0;
    const limiter = new RateLimiter(1, 3, 1000, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    expect(limiter.take('b')).toBe(true);
    now += 1000;
    expect([limiter.take('a'), limiter.take('a')]).toEqual([true, false]);
  });

  it('forgets the least recently used keys past its bound', () => {
    const limiter = new RateLimiter(1, 1, 100, () => 0);
    for (let i = 0; i < 1000; i++) limiter.take(`k${i}`);
    expect(limiter.size).toBe(100);
  });
});
