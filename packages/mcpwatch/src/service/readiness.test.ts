import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { Readiness, type ReadinessDeps, SCHEDULER_BEHIND_MS } from './readiness.js';

let dir: string;
let store: Store;
let now: number;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-ready-'));
  store = await openStore(path.join(dir, 'mcpwatch.db'));
  now = 1_000_000;
});

afterEach(async () => {
  await store.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

function readiness(over: Partial<ReadinessDeps> = {}): Readiness {
  return new Readiness({
    store,
    behindMs: () => 0,
    stopping: () => false,
    lastSweepAt: () => now - 1000,
    sweepMs: 2000,
    startedAt: now - 60_000,
    configError: () => null,
    now: () => now,
    ...over,
  });
}

describe('Readiness', () => {
  it('is ready when the store takes a write and every part is on time', async () => {
    const report = await readiness().check();
    expect(report).toEqual({
      ready: true,
      checks: { store: true, scheduler: true, heartbeats: true, config: true },
      problems: {},
    });
  });

  it('names a store that cannot take a write', async () => {
    await store.close();
    const report = await readiness().check();
    expect(report.ready).toBe(false);
    expect(report.checks).toEqual({ store: false, scheduler: true, heartbeats: true, config: true });
    expect(report.problems.store).toMatch(/^the SQLite file did not take a write \(.+\): check disk space/);
  });

  it('names a scheduler stuck behind its slots, heartbeat sweeps that stopped, and a broken config', async () => {
    const report = await readiness({
      behindMs: () => SCHEDULER_BEHIND_MS + 15_000,
      lastSweepAt: () => now - 10_000,
      configError: () => 'mcpwatch.yaml:4: monitors.0.target: expected host:port',
    }).check();
    expect(report.checks).toEqual({ store: true, scheduler: false, heartbeats: false, config: false });
    expect(report.problems.scheduler).toBe(
      'checks are 75 s behind their schedule: see mcpwatch_checks_waiting and raise the concurrency or lengthen intervals',
    );
    expect(report.problems.heartbeats).toContain('last checked 10 s ago');
    expect(report.problems.config).toBe('mcpwatch.yaml:4: monitors.0.target: expected host:port');
  });

  it('gives a new process three sweeps before it expects the first, and says when it is shutting down', async () => {
    const fresh = readiness({ lastSweepAt: () => 0, startedAt: now - 5000 });
    expect((await fresh.check()).checks.heartbeats).toBe(true);
    now += 2000;
    expect((await fresh.check()).checks.heartbeats).toBe(false);
    const stopping = await readiness({ stopping: () => true }).check();
    expect(stopping.problems.scheduler).toBe('mcpwatch is shutting down');
  });

  it('shares one evaluation between calls within a second, then looks again', async () => {
    let behind = 0;
    const r = readiness({ behindMs: () => behind });
    const [a, b] = await Promise.all([r.check(), r.check()]);
    expect(a).toBe(b);
    behind = SCHEDULER_BEHIND_MS;
    expect((await r.check()).ready).toBe(true);
    now += 1000;
    expect((await r.check()).checks.scheduler).toBe(false);
  });
});
