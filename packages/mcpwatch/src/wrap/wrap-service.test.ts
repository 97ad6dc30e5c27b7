/**
 * The wrapper against the real service: a heartbeat monitor created through the API, the built wrapper in
 * front of a small stdio server with --heartbeat and --report pointing at it, and what the API then says
 * about the monitor's traffic and state.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../start-server.js';
import { callApi, loginCookie } from '../test-fixtures/api-client.js';
import { until } from '../test-fixtures/until.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const bin = here('../../bin/mcpwatch.js');
const lineServer = here('./test-fixtures/line-server.mjs');

let dir: string;
let server: RunningServer;
let cookie = '';

const api = (method: string, url: string, body?: unknown) => callApi(server.url, cookie, method, url, body);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-wrap-service-'));
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    database: path.join(dir, 'mcpwatch.db'),
    env: { MCPWATCH_ADMIN_PASSWORD: 'correct horse battery' },
    log: pino({ level: 'silent' }),
  });
  cookie = await loginCookie(server.url, 'correct horse battery');
});

afterAll(async () => {
  await server?.close(1000);
  rmSync(dir, { recursive: true, force: true });
});

describe('mcpwatch wrap with a mcpwatch service', () => {
  it("reports the server's traffic to its heartbeat monitor, which goes up", async () => {
    const created = await api('POST', '/api/v1/monitors', {
      kind: 'heartbeat',
      name: 'wrapped',
      mode: 'activity',
    });
    expect(created.status).toBe(201);
    const token = created.body.heartbeatToken as string;
    const id = created.body.monitor.id as number;
    const base = `${server.url}/hb/${token}`;
    const wrapper = spawn(
      process.execPath,
      [
        bin,
        'wrap',
        '--name',
        'lines',
        '--heartbeat',
        base,
        '--report',
        `${base}/report`,
        '--',
        process.execPath,
        lineServer,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    wrapper.stderr.on('data', (c) => (stderr += c));
    const ended = new Promise<number | null>((resolve) => wrapper.on('close', resolve));
    const send = (id: number, method: string, params: unknown = {}) =>
      wrapper.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    send(1, 'tools/call', { name: 'search', arguments: {} });
    send(2, 'tools/call', { name: 'search', arguments: {} });
    send(3, 'tools/call', { name: 'broken', arguments: {} });
    send(4, 'fail');
    let answers = 0;
    wrapper.stdout.on('data', (c: Buffer) => (answers += c.toString().split('\n').length - 1));
    await until(
      'four answers',
      () => answers,
      (n) => n >= 4,
    );
    await until(
      'the monitor to be up',
      async () => (await api('GET', `/api/v1/monitors/${id}`)).body,
      (m) => JSON.stringify(m).includes('"up"'),
    );
    wrapper.stdin.end();
    expect(await ended, stderr).toBe(0);
    expect(stderr).toBe('');

    const traffic = await until(
      'the report',
      async () => (await api('GET', `/api/v1/monitors/${id}/traffic`)).body,
      (t) => t?.requests > 0,
    );
    expect(traffic).toMatchObject({
      requests: 4,
      errors: 2,
      tools: expect.arrayContaining([
        expect.objectContaining({ name: 'search', calls: 2, errors: 0 }),
        expect.objectContaining({ name: 'broken', calls: 1, errors: 1 }),
      ]),
    });
  });

  it('marks the heartbeat monitor down when the server crashes', async () => {
    const created = await api('POST', '/api/v1/monitors', {
      kind: 'heartbeat',
      name: 'crashing',
      mode: 'activity',
    });
    const token = created.body.heartbeatToken as string;
    const id = created.body.monitor.id as number;
    const wrapper = spawn(
      process.execPath,
      [bin, 'wrap', '--heartbeat', `${server.url}/hb/${token}`, '--', process.execPath, lineServer],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const ended = new Promise<number | null>((resolve) => wrapper.on('close', resolve));
    wrapper.stdin.write(
      '{"jsonrpc":"2.0","id":1,"method":"ping"}\n{"jsonrpc":"2.0","id":2,"method":"crash"}\n',
    );
    expect(await ended).toBe(3);
    const monitor = await until(
      'the monitor to go down',
      async () => (await api('GET', `/api/v1/monitors/${id}`)).body.monitor,
      (m) => m.status !== 'pending' && m.status !== 'up',
    );
    expect(monitor.status).toBe('down');
  });
});
