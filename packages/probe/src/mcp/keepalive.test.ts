/**
 * A kept-alive stdio server: one child checked again and again, against the official SDK's server and
 * fixtures that die or hang later in their life. The backoff clock is moved by hand, so nothing sleeps.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixture, isRunning } from '../test-fixtures/processes.js';
import { KeepaliveMcp } from './keepalive.js';
import type { ExitInfo, RestartInfo } from './keepalive-restarts.js';
import type { McpOptionsInput } from './options.js';

const sdkServer = (name: string, ...args: string[]) => ({
  command: process.execPath,
  args: [fileURLToPath(new URL(`../test-fixtures/${name}`, import.meta.url)), ...args],
});

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcpwatch-keepalive-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every instance a test makes is closed after it, whatever the test did. */
const made: KeepaliveMcp[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((k) => k.close()));
});

function keepalive(
  target: { command: string; args: string[] },
  options: McpOptionsInput = {},
  backoff: { baseMs?: number; maxMs?: number; healthyChecks?: number } = {},
) {
  const clock = { now: 1_000_000 };
  const restarts: RestartInfo[] = [];
  const exits: ExitInfo[] = [];
  const k = new KeepaliveMcp(
    target,
    { timeoutMs: 5000, ...options },
    {
      now: () => clock.now,
      onRestart: (info) => restarts.push(info),
      onExit: (info) => exits.push(info),
    },
    backoff,
  );
  made.push(k);
  return { k, clock, restarts, exits };
}

/** Waits for something the child does on its own time (an exit noticed, a file written), bounded. */
async function until(what: string, ready: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const gone = expect.objectContaining({ code: 'ESRCH' });

describe.each(['legacy', 'modern'] as const)('the v2 SDK server kept alive, %s era', (era) => {
  it('spawns on the first check and reuses the child and its session after', async () => {
    const { k, restarts } = keepalive(sdkServer('v2-stdio-server.mjs'), { era });
    const first = await k.check();
    expect(first).toMatchObject({ status: 'up', mcp: { transport: 'stdio', era } });
    expect(first.timings.spawn).toBeGreaterThan(0);
    expect(first.timings.handshake).toBeGreaterThan(0);
    expect(first.mcp?.stderr).toContain('v2 stdio server starting');
    const pid = k.pid;
    expect(pid).toBeTypeOf('number');

    const second = await k.check();
    expect(second).toMatchObject({
      status: 'up',
      mcp: { transport: 'stdio', era, protocolVersion: first.mcp?.protocolVersion },
    });
    expect(k.pid).toBe(pid);
    expect(second.timings.spawn).toBeUndefined();
    expect(second.timings.handshake).toBeUndefined();
    // The liveness request: ping in the legacy era, server/discover in the modern one.
    expect(second.timings.ping).toBeGreaterThan(0);
    expect(second.timings.tools).toBeGreaterThan(0);
    expect(second.mcp?.serverInfo).toEqual({ name: 'v2-stdio', version: '2.0.0' });
    expect(second.mcp?.toolsHash).toBe(first.mcp?.toolsHash);
    expect(restarts).toEqual([]);

    await k.close();
    expect(k.pid).toBeUndefined();
    expect(() => process.kill(pid as number, 0)).toThrow(gone);
  });

  it('calls a tool on every check', async () => {
    const { k } = keepalive(sdkServer('v2-stdio-server.mjs'), {
      era,
      call: { tool: 'echo', arguments: { text: 'still here' }, textContains: 'still here' },
    });
    await k.check();
    const again = await k.check();
    expect(again).toMatchObject({ status: 'up', mcp: { toolCall: { name: 'echo', isError: false } } });
    expect(again.timings.call).toBeGreaterThan(0);
  });
});

it('sees the tool list change between two checks of the same child', async () => {
  const ack = join(dir, 'grown');
  const { k } = keepalive(sdkServer('v2-stdio-changing.mjs', ack));
  const before = await k.check();
  expect(before.mcp?.tools?.map((t) => t.name)).toEqual(['echo']);
  const pid = k.pid as number;
  process.kill(pid, 'SIGUSR2');
  await until('the tool to be added', () => readFile(ack, 'utf8').then(Boolean, () => false));
  const after = await k.check();
  expect(k.pid).toBe(pid);
  expect(after.status).toBe('up');
  expect(after.mcp?.tools?.map((t) => t.name).sort()).toEqual(['added', 'echo']);
  expect(after.mcp?.toolsHash).not.toBe(before.mcp?.toolsHash);
});

describe('a child that dies', () => {
  it('killed between checks: reported down with its signal, restarted after the backoff', async () => {
    const { k, clock, restarts, exits } = keepalive(sdkServer('v2-stdio-server.mjs'), { era: 'legacy' });
    expect((await k.check()).status).toBe('up');
    const pid = k.pid as number;
    process.kill(pid, 'SIGKILL');
    await until('the exit to be noticed', () => k.pid === undefined);
    expect(exits).toEqual([
      expect.objectContaining({
        pid,
        reason: 'process_exited',
        signal: 'SIGKILL',
        attempt: 1,
        delayMs: 1000,
      }),
    ]);

    const report = await k.check();
    expect(report).toMatchObject({
      status: 'down',
      reason: 'process_exited',
      mcp: { signal: 'SIGKILL', exitCode: null },
    });
    expect(report.message).toContain('killed by SIGKILL');
    expect(report.message).toContain('restarting it in 1 s');
    expect(report.mcp?.stderr).toContain('v2 stdio server starting');

    const waiting = await k.check();
    expect(waiting).toMatchObject({ status: 'down', reason: 'process_exited' });
    expect(waiting.message).toMatch(/^Restart 1 of the server is in 1 s \(at /);
    expect(waiting.timings.spawn).toBeUndefined();
    expect(k.pid).toBeUndefined();
    expect(restarts).toEqual([]);

    clock.now += 1000;
    const restarted = await k.check();
    expect(restarted.status).toBe('up');
    expect(restarted.timings.spawn).toBeGreaterThan(0);
    expect(k.pid).not.toBe(pid);
    expect(restarts).toEqual([
      {
        attempt: 1,
        reason: 'process_exited',
        exitCode: null,
        signal: 'SIGKILL',
        stderrTail: ['v2 stdio server starting'],
        at: clock.now,
        delayMs: 1000,
      },
    ]);
  });

  it('exits during a check: that check reports its exit code and last words', async () => {
    const { k, exits } = keepalive(fixture('fails-later.mjs', 'exit'), { era: 'legacy' });
    expect((await k.check()).status).toBe('up');
    const result = await k.check();
    expect(result).toMatchObject({
      status: 'down',
      reason: 'process_exited',
      phase: 'ping',
      mcp: { exitCode: 7, signal: null },
    });
    expect(result.mcp?.stderr).toContain('fatal: heap out of memory');
    expect(result.message).toContain('restarting it in 1 s');
    expect(exits).toHaveLength(1);
    // Reported once: the next check is the backoff, not the same exit again.
    expect((await k.check()).message).toMatch(/^Restart 1 /);
  });

  it('answers with a line over the byte limit: response_too_large, the child stopped', async () => {
    const maxBytes = 65_536;
    const { k, exits } = keepalive(fixture('fails-later.mjs', 'big', String(4 * maxBytes)), {
      era: 'legacy',
      maxBytes,
    });
    expect((await k.check()).status).toBe('up');
    const pid = k.pid as number;
    const result = await k.check();
    expect(result).toMatchObject({ status: 'down', reason: 'response_too_large', phase: 'ping' });
    expect(result.message).toContain('restarting it in 1 s');
    expect(() => process.kill(pid, 0)).toThrow(gone);
    expect(exits).toEqual([expect.objectContaining({ pid, reason: 'response_too_large', attempt: 1 })]);
  });

  it('hangs on ping: the check times out, the child is stopped and later restarted', async () => {
    const { k, clock, restarts, exits } = keepalive(fixture('fails-later.mjs', 'hang'), {
      era: 'legacy',
      timeoutMs: 1000,
    });
    expect((await k.check()).status).toBe('up');
    const pid = k.pid as number;
    const hung = await k.check();
    expect(hung).toMatchObject({ status: 'down', reason: 'timeout', phase: 'ping' });
    expect(hung.message).toContain('restarting it in 1 s');
    expect(hung.timings.close).toBeGreaterThanOrEqual(0);
    expect(() => process.kill(pid, 0)).toThrow(gone);
    expect(exits).toEqual([expect.objectContaining({ pid, reason: 'timeout', attempt: 1 })]);

    clock.now += 1000;
    expect((await k.check()).status).toBe('up');
    expect(k.pid).not.toBe(pid);
    expect(restarts).toEqual([expect.objectContaining({ attempt: 1, reason: 'timeout', delayMs: 1000 })]);
  });
});

describe('backoff', () => {
  it('doubles while restarts keep failing, up to the cap, without spawning in between', async () => {
    const missing = { command: join(dir, 'no-such-server'), args: [] };
    const { k, clock, restarts } = keepalive(missing, {}, { baseMs: 1000, maxMs: 3000 });
    const first = await k.check();
    expect(first).toMatchObject({ status: 'down', reason: 'spawn_failed', phase: 'spawn' });
    expect(first.message).toContain('restarting it in 1 s');
    const waiting = await k.check();
    expect(waiting).toMatchObject({ status: 'down', reason: 'spawn_failed' });
    expect(waiting.timings.spawn).toBeUndefined();

    const delays: string[] = [];
    for (const step of [1000, 2000, 3000]) {
      clock.now += step;
      delays.push((await k.check()).message.replace(/.*restarting it in /, ''));
    }
    expect(delays).toEqual(['2 s', '3 s', '3 s']);
    expect(restarts.map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 1000],
      [2, 2000],
      [3, 3000],
    ]);
  });

  it('starts again from the base once the child has stayed healthy for enough checks', async () => {
    const { k, clock, exits } = keepalive(fixture('well-behaved.mjs'), {}, { healthyChecks: 2 });
    const kill = async () => {
      process.kill(k.pid as number, 'SIGKILL');
      await until('the exit to be noticed', () => k.pid === undefined);
      expect((await k.check()).reason).toBe('process_exited');
      clock.now += exits.at(-1)?.delayMs ?? 0;
    };
    await k.check();
    await kill();
    expect((await k.check()).status).toBe('up');
    // One good check is not enough: the next end waits twice as long.
    await kill();
    expect((await k.check()).status).toBe('up');
    expect((await k.check()).status).toBe('up');
    await kill();
    expect(exits.map((e) => [e.attempt, e.delayMs])).toEqual([
      [1, 1000],
      [2, 2000],
      [1, 1000],
    ]);
  });
});

describe('the caller', () => {
  it('gets checks one after another when it asks for two at once', async () => {
    const { k } = keepalive(fixture('well-behaved.mjs'));
    const [a, b] = await Promise.all([k.check(), k.check()]);
    expect([a.status, b.status]).toEqual(['up', 'up']);
    expect([a.timings.spawn === undefined, b.timings.spawn === undefined].sort()).toEqual([false, true]);
  });

  it('cancelling a check keeps a healthy child', async () => {
    const { k, exits } = keepalive(fixture('fails-later.mjs', 'hang'), { era: 'legacy' });
    await k.check();
    const pid = k.pid;
    const controller = new AbortController();
    const pending = k.check(controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ status: 'down', reason: 'cancelled' });
    expect(k.pid).toBe(pid);
    expect(exits).toEqual([]);
  });

  it('close() during a check ends it as cancelled and leaves no process; later checks spawn nothing', async () => {
    const { k } = keepalive(fixture('fails-later.mjs', 'hang'), { era: 'legacy', timeoutMs: 20_000 });
    await k.check();
    const pid = k.pid as number;
    const pending = k.check();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all([k.close(), k.close()]);
    expect(await pending).toMatchObject({ status: 'down', reason: 'cancelled' });
    expect(isRunning(pid)).toBe(false);
    const after = await k.check();
    expect(after).toMatchObject({ status: 'down', reason: 'cancelled' });
    expect(k.pid).toBeUndefined();
  });
});
