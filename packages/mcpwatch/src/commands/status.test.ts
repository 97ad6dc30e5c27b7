import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paint } from '../ansi.js';
import { main } from '../cli.js';
import { type CheckResult, type MonitorState, openStore, type Store } from '../store/index.js';
import { type MonitorStatus, relative, renderStatus } from './status.js';

const ESC = '\u001b[';
const MINUTE = 60_000;

let dir: string;
let database: string;
/** Kept open through the tests, as `mcpwatch serve` would keep it: the command reads beside a writer. */
let store: Store;

async function mcpwatch(args: string[], options: { env?: Record<string, string>; tty?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t), ...(options.tty ? { isTTY: true } : {}) },
    stderr: { write: (t: string) => (stderr += t) },
    env: options.env ?? {},
    home: dir,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

async function monitor(
  name: string,
  kind: string,
  config: Record<string, unknown>,
  checks: Array<{ status: CheckResult['status']; ms: number; reason?: string; message: string }>,
  state: MonitorState['status'] | undefined,
  options: { enabled?: boolean } = {},
): Promise<void> {
  const now = Date.now();
  const created = await store.createMonitor(
    { key: name, name, kind, target: `https://${name}.example.com/mcp`, config, source: 'file', ...options },
    now - 60 * MINUTE,
  );
  let version = 0;
  for (const [i, check] of checks.entries()) {
    const at = now - (checks.length - i) * MINUTE;
    const next = { status: state ?? 'pending', since: now - 3 * MINUTE, lastCheckAt: at, data: {} };
    const written = await store.recordCheck(
      created.id,
      {
        status: check.status,
        message: check.message,
        durationMs: check.ms,
        timings: {},
        startedAt: at,
        ...(check.reason ? { reason: check.reason } : {}),
      },
      version,
      next,
    );
    expect(written).toBe(true);
    version++;
  }
  if (checks.length === 0 && state !== undefined) {
    await store.setState(created.id, 0, {
      status: state,
      since: now - 2 * 3_600_000,
      lastCheckAt: null,
      data: {},
    });
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-status-'));
  database = path.join(dir, 'mcpwatch.db');
  store = await openStore(`sqlite:${database}`);
  await monitor(
    'api',
    'http',
    { group: 'prod' },
    [
      { status: 'up', ms: 100, message: 'HTTP 200 in 100 ms' },
      { status: 'up', ms: 100, message: 'HTTP 200 in 100 ms' },
    ],
    'up',
  );
  await monitor(
    'search',
    'mcp',
    { group: 'prod' },
    [{ status: 'degraded', ms: 6000, reason: 'slow', message: 'Answered in 6000 ms, over 5000 ms' }],
    'degraded',
  );
  await monitor(
    'db',
    'tcp',
    { group: 'infra' },
    [
      { status: 'up', ms: 5, message: 'Connected' },
      { status: 'down', ms: 2, reason: 'connect_refused', message: 'Connection to db.internal:5432 refused' },
    ],
    'down',
  );
  await monitor('nightly', 'heartbeat', {}, [], undefined);
  await monitor('held', 'http', {}, [], 'paused');
  await monitor('old', 'http', {}, [], undefined, { enabled: false });
});

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('mcpwatch status', () => {
  it('prints a table of every monitor and exits 2 when one is down', async () => {
    const run = await mcpwatch(['status', '--database', `sqlite:${database}`]);
    expect(run.code, run.stderr).toBe(2);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +KIND +STATE +SINCE +UP 24H +UP 7D +P50 +P95 +LAST CHECK$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 4))).toEqual([
      ['api', 'http', 'up', '3m'],
      ['search', 'mcp', 'degraded', '3m'],
      ['db', 'tcp', 'down', '3m'],
      ['nightly', 'heartbeat', 'pending', '1h'],
      ['held', 'http', 'paused', '2h'],
      ['old', 'http', 'disabled', '1h'],
    ]);
    // The store keeps no message for a check that passed: the status says it all.
    expect(lines[1]).toMatch(/ 100% +100% +100ms +100ms +up$/);
    expect(lines[3]).toMatch(/ 50\.00% +50\.00% .*connect_refused: Connection to db\.internal:5432 refused$/);
    expect(lines[4]).toMatch(/ - +- +- +- +never checked$/);
    expect(run.stdout).not.toContain(ESC);
    expect(run.stderr).toBe('');
  });

  it('prints JSON with --json', async () => {
    const run = await mcpwatch(['status', '--database', `sqlite:${database}`, '--json']);
    expect(run.code).toBe(2);
    const { monitors } = JSON.parse(run.stdout) as { monitors: MonitorStatus[] };
    const db = monitors.find((m) => m.name === 'db');
    expect(db).toMatchObject({
      kind: 'tcp',
      group: 'infra',
      state: 'down',
      uptime: { '24h': 0.5, '7d': 0.5 },
      last: { status: 'down', reason: 'connect_refused', message: 'Connection to db.internal:5432 refused' },
    });
    expect(db?.latency24h.p50Ms).toBeGreaterThan(0);
    expect(monitors.find((m) => m.name === 'nightly')).toMatchObject({
      state: 'pending',
      uptime: { '24h': null, '7d': null },
      last: null,
    });
  });

  it('filters by --group and --state, and the exit code follows what is shown', async () => {
    const prod = await mcpwatch(['status', '--database', database, '--group', 'prod', '--json']);
    expect(prod.code).toBe(1);
    expect((JSON.parse(prod.stdout) as { monitors: MonitorStatus[] }).monitors.map((m) => m.name)).toEqual([
      'api',
      'search',
    ]);
    const up = await mcpwatch(['status', '--database', database, '--state', 'up']);
    expect(up.code).toBe(0);
    // Paused, pending and disabled monitors are not failures.
    for (const state of ['paused', 'pending', 'disabled']) {
      expect((await mcpwatch(['status', '--database', database, '--state', state])).code).toBe(0);
    }
    const none = await mcpwatch(['status', '--database', database, '--group', 'nobody']);
    expect(none).toMatchObject({
      code: 0,
      stdout: 'No monitors match: add them to mcpwatch.yaml or through the API.\n',
    });
  });

  it('refuses an unknown --state with the choices', async () => {
    const run = await mcpwatch(['status', '--database', database, '--state', 'sideways']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^mcpwatch: .*sideways.*up, degraded, down.*; see mcpwatch status --help\n$/);
  });

  it('colours states at a terminal only, and never with --no-color', async () => {
    const tty = await mcpwatch(['status', '--database', database], { tty: true });
    expect(tty.stdout).toContain(`${ESC}31mdown`);
    expect(tty.stdout).toContain(`${ESC}32mup`);
    const plain = await mcpwatch(['status', '--database', database, '--no-color'], { tty: true });
    expect(plain.stdout).not.toContain(ESC);
  });

  it('finds the database through MCPWATCH_DATA or MCPWATCH_DATABASE, like serve', async () => {
    expect((await mcpwatch(['status', '--json'], { env: { MCPWATCH_DATA: dir } })).code).toBe(2);
    expect((await mcpwatch(['status', '--json'], { env: { MCPWATCH_DATABASE: database } })).code).toBe(2);
  });

  it('says to start serve first when there is no database, and creates none', async () => {
    const missing = path.join(dir, 'nowhere');
    const run = await mcpwatch(['status', '--data', missing]);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `mcpwatch: There is no mcpwatch database at ${path.join(missing, 'mcpwatch.db')}: start \`mcpwatch serve\` first, or point --data or --database at the one it uses\n`,
    );
    expect(existsSync(missing)).toBe(false);
  });

  it('says when PostgreSQL cannot be reached', async () => {
    const run = await mcpwatch(['status', '--database', 'postgres://postgres@127.0.0.1:1/test']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^mcpwatch: Cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/test/,
    );
  });
});

describe('renderStatus', () => {
  it('shows control characters from names and messages as ?', () => {
    const out = renderStatus(
      [
        {
          id: 1,
          name: 'evil\u001b[2J',
          kind: 'mcp',
          target: 'https://x.example.com',
          group: null,
          state: 'down',
          since: 0,
          uptime: { '24h': null, '7d': null },
          latency24h: { p50Ms: null, p95Ms: null },
          last: { at: 0, status: 'down', reason: null, message: 'bad\u001b[31m\nnews' },
        },
      ],
      61_000,
      paint(false),
    );
    expect(out).not.toContain('\u001b');
    expect(out).toContain('evil?[2J');
    expect(out).toMatch(/bad\?\[31m\?news\n$/);
  });

  it('says how long in the largest whole unit', () => {
    expect([45_000, 3 * MINUTE + 59_000, 5 * 3_600_000, 2 * 86_400_000, -5].map(relative)).toEqual([
      '45s',
      '3m',
      '5h',
      '2d',
      '0s',
    ]);
  });
});
