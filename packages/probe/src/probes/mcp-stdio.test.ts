/**
 * Hostile stdio servers: whatever the child does (not start, die, babble, flood, ignore signals, leave
 * grandchildren), the probe names it, returns by its deadline and leaves no process behind.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { McpOptionsInput } from '../mcp/options.js';
import { fixture, isRunning, stopped } from '../test-fixtures/processes.js';
import { expectVerdict, settle } from '../test-fixtures/servers.js';
import { probeMcp } from './mcp.js';

const TIMEOUT = 2500;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcpwatch-stdio-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function probe(target: { command: string; args: string[] }, options: McpOptionsInput = {}) {
  const timeoutMs = options.timeoutMs ?? TIMEOUT;
  return settle(probeMcp(target, { timeoutMs, ...options }), timeoutMs);
}

async function pids(file: string): Promise<number[]> {
  return (await readFile(file, 'utf8')).trim().split(/\s+/).map(Number);
}

test('a correct server: up, legacy era over stdio, exited after the probe', async () => {
  const result = await probe(fixture('well-behaved.mjs'));
  expectVerdict(result, 'up', undefined);
  expect(result.mcp).toMatchObject({ transport: 'stdio', era: 'legacy', exitCode: 0 });
  expect(result.mcp?.tools?.map((t) => t.name)).toEqual(['echo']);
});

describe('a server that will not run', () => {
  test('a command that does not exist: spawn_failed', async () => {
    const result = await probe({ command: join(dir, 'no-such-mcp-server'), args: [] });
    expectVerdict(result, 'down', 'spawn_failed', 'spawn');
    expect(result.message).toContain('ENOENT');
  });

  test('exits at once with a message on stderr: process_exited, the message kept', async () => {
    const result = await probe(fixture('exits-at-once.mjs'));
    expectVerdict(result, 'down', 'process_exited', 'handshake');
    expect(result.mcp?.stderr).toContain('fatal: missing DATABASE_URL');
    expect(result.message).toContain('fatal: missing DATABASE_URL');
    expect(result.mcp?.exitCode).toBe(3);
  });
});

describe('a server that writes the wrong things', () => {
  test('garbage lines on stdout and never an answer: invalid_json', async () => {
    const result = await probe(fixture('garbage.mjs'));
    expectVerdict(result, 'down', 'invalid_json', 'handshake');
    expect(result.message).toContain('not json');
  });

  test('a banner line before correct answers: degraded by the stdout_clean soft check', async () => {
    const result = await probe(fixture('banner.mjs'));
    expectVerdict(result, 'degraded', 'invalid_json');
    expect(result.checks).toContainEqual(
      expect.objectContaining({ name: 'stdout_clean', ok: false, soft: 'invalid_json' }),
    );
    expect(result.message).toContain('Weather MCP server');
    expect(result.mcp?.tools?.map((t) => t.name)).toEqual(['echo']);
  });

  test('megabytes of stderr while answering: up, the kept stderr bounded', async () => {
    const result = await probe(fixture('stderr-flood.mjs'), { timeoutMs: 8000 });
    expectVerdict(result, 'up', undefined);
    const stderr = result.mcp?.stderr ?? [];
    expect(stderr.length).toBeGreaterThan(0);
    expect(stderr.length).toBeLessThanOrEqual(20);
    for (const line of stderr) expect(line.length).toBeLessThanOrEqual(1024);
  });

  test('one enormous line: response_too_large', async () => {
    const maxBytes = 65_536;
    const result = await probe(fixture('big-line.mjs', String(10 * maxBytes)), { maxBytes });
    expectVerdict(result, 'down', 'response_too_large', 'handshake');
  });

  test('a line just over the limit, complete in one read: response_too_large', async () => {
    const maxBytes = 100_000;
    const result = await probe(fixture('big-line.mjs', String(maxBytes + 20_000)), { maxBytes });
    expectVerdict(result, 'down', 'response_too_large', 'handshake');
  });

  test('a roots/list request before its answer: refused, and the probe goes on', async () => {
    const result = await probe(fixture('asks-roots.mjs'));
    expectVerdict(result, 'up', undefined);
    // The fixture names its tool after the error the probe sent back.
    expect(result.mcp?.tools?.map((t) => t.name)).toEqual(['refused:-32601']);
  });
});

describe('a server that will not go away', () => {
  test('ignores SIGTERM and never answers: timeout, then the process is gone', async () => {
    const pidfile = join(dir, 'sigterm.pid');
    const result = await probe(fixture('ignores-sigterm.mjs', pidfile));
    expectVerdict(result, 'down', 'timeout', 'handshake');
    const [pid] = await pids(pidfile);
    // The probe waited for the exit of its own child, so this holds the moment it returns.
    expect(() => process.kill(pid as number, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(result.mcp?.signal).toBe('SIGKILL');
  });

  test('leaves a grandchild that ignores SIGTERM: both are gone after the probe', async () => {
    const pidfile = join(dir, 'family.pid');
    const result = await probe(fixture('forks-grandchild.mjs', pidfile));
    expectVerdict(result, 'up', undefined);
    const [child, grandchild] = await pids(pidfile);
    expect(() => process.kill(child as number, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    await stopped(grandchild as number);
    expect(isRunning(grandchild as number)).toBe(false);
  });
});

describe('a probe its caller cancels', () => {
  test('is reported as cancelled, not as a slow server, and its child is gone when it returns', async () => {
    const pidfile = join(dir, 'cancelled.pid');
    const controller = new AbortController();
    const pending = probeMcp(
      fixture('ignores-sigterm.mjs', pidfile),
      { timeoutMs: 10_000 },
      controller.signal,
    );
    // Cancel as soon as the child has started (its pidfile exists), while the probe waits for an answer.
    for (let i = 0; i < 200; i++) {
      if (await readFile(pidfile, 'utf8').catch(() => '')) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    controller.abort();
    const result = await settle(pending, 10_000);
    expect(result).toMatchObject({ status: 'down', reason: 'cancelled' });
    expect(result.mcp?.era).toBeUndefined();
    const [pid] = await pids(pidfile);
    expect(() => process.kill(pid as number, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  test('cancelled before the child has even started still leaves nothing behind', async () => {
    const pidfile = join(dir, 'early.pid');
    const controller = new AbortController();
    const pending = probeMcp(
      fixture('ignores-sigterm.mjs', pidfile),
      { timeoutMs: 10_000 },
      controller.signal,
    );
    controller.abort();
    const result = await settle(pending, 10_000);
    expect(result.reason).toBe('cancelled');
    const [pid] = await pids(pidfile).catch(() => [undefined]);
    if (pid !== undefined)
      expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });
});
