import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../start-server.js';
import type { UptimeSummary } from '../store/index.js';
import { callApi, loginCookie } from '../test-fixtures/api-client.js';
import { until } from '../test-fixtures/until.js';
import { BAR_DAYS, dayWindows, hourWindows, rowSummary, SPARK_HOURS } from './dashboard.js';

const DAY = 86_400_000;

const summary = (over: Partial<UptimeSummary>): UptimeSummary => ({
  from: 0,
  to: 0,
  granularity: 'day',
  checks: 0,
  up: 0,
  degraded: 0,
  down: 0,
  maintenance: 0,
  uptime: null,
  latency: { count: 0, minMs: null, maxMs: null, meanMs: null, p50Ms: null, p95Ms: null, p99Ms: null },
  ...over,
});

describe('dashboard windows', () => {
  it('cuts whole UTC days, the last one ending now', () => {
    const now = Date.UTC(2026, 10, 22, 7, 30);
    const days = dayWindows(now);
    expect(days).toHaveLength(BAR_DAYS);
    expect(days.at(-1)).toEqual({ from: Date.UTC(2026, 10, 22), to: now });
    expect(days[0]).toEqual({
      from: Date.UTC(2026, 10, 22) - 89 * DAY,
      to: Date.UTC(2026, 10, 22) - 88 * DAY,
    });
    const hours = hourWindows(now);
    expect(hours).toHaveLength(SPARK_HOURS);
    expect(hours.at(-1)).toEqual({ from: Date.UTC(2026, 10, 22, 7), to: now });
  });

  it('summarises a row from its days and hours', () => {
    const latency = { count: 2, minMs: 1, maxMs: 3, meanMs: 2, p50Ms: 2.345, p95Ms: 3, p99Ms: 3 };
    const row = rowSummary(
      [summary({}), summary({ checks: 3, up: 2, down: 1, uptime: 2 / 3 })],
      [
        summary({ checks: 2, up: 1, degraded: 1, uptime: 1, latency }),
        summary({ checks: 2, down: 2, uptime: 0 }),
      ],
    );
    expect(row.uptime).toEqual([null, 0.6667]);
    expect(row.down).toEqual([0, 1]);
    expect(row.latency[0]).toBeCloseTo(2.3);
    expect(row.latency[1]).toBeNull();
    expect(row.uptime24h).toBe(0.5);
  });
});

describe('GET /api/v1/dashboard/rows', () => {
  let dir: string;
  let server: RunningServer;
  let listener: net.Server;
  let cookie = '';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-dashboard-'));
    listener = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as net.AddressInfo).port;
    const configFile = path.join(dir, 'mcpwatch.yaml');
    writeFileSync(
      configFile,
      `monitors:\n  - kind: tcp\n    name: port\n    target: 127.0.0.1:${port}\n    intervalSec: 3600\n`,
    );
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      database: path.join(dir, 'mcpwatch.db'),
      configFile,
      env: { MCPWATCH_ADMIN_PASSWORD: 'correct horse battery' },
      log: pino({ level: 'silent' }),
    });
    cookie = await loginCookie(server.url, 'correct horse battery');
  });

  afterAll(async () => {
    await server?.close(1000);
    await new Promise((r) => listener?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the bars and sparklines of the asked monitors', async () => {
    const { body } = await callApi(server.url, cookie, 'GET', '/api/v1/monitors');
    const id = body.monitors[0].id as number;
    await callApi(server.url, cookie, 'POST', `/api/v1/monitors/${id}/check`);
    const answer = await until(
      'a day segment',
      () => callApi(server.url, cookie, 'GET', `/api/v1/dashboard/rows?ids=${id},99999`),
      (a) => a.body.rows?.[id]?.uptime.at(-1) === 1,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.days).toHaveLength(BAR_DAYS);
    expect(answer.body.hours).toHaveLength(SPARK_HOURS);
    expect(Object.keys(answer.body.rows)).toEqual([String(id)]);
    const row = answer.body.rows[id];
    expect(row.uptime).toHaveLength(BAR_DAYS);
    expect(row.uptime.at(-1)).toBe(1);
    expect(row.latency.at(-1)).toBeGreaterThanOrEqual(0);
    expect(row.uptime24h).toBe(1);
  });

  it('refuses bad ids with the field named', async () => {
    const answer = await callApi(server.url, cookie, 'GET', '/api/v1/dashboard/rows?ids=1,x');
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('ids');
  });

  it('needs a session', async () => {
    expect((await callApi(server.url, '', 'GET', '/api/v1/dashboard/rows?ids=1')).status).toBe(401);
  });
});
