import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../start-server.js';
import { callApi, loginCookie } from '../test-fixtures/api-client.js';

describe('POST /api/v1/auth/setup (first run)', () => {
  let dir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-first-run-'));
    const configFile = path.join(dir, 'mcpwatch.yaml');
    writeFileSync(configFile, 'monitors: []\n');
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      database: path.join(dir, 'mcpwatch.db'),
      configFile,
      env: {},
      log: pino({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await server?.close(1000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the first admin once, then refuses', async () => {
    const call = (body: unknown) => callApi(server.url, '', 'POST', '/api/v1/auth/setup', body);
    expect((await callApi(server.url, '', 'GET', '/api/v1/auth/setup')).body).toEqual({ needsAdmin: true });
    const short = await call({ name: 'ada', password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.field).toBe('password');
    const [first, second] = await Promise.all([
      call({ name: 'ada', password: 'correct horse battery' }),
      call({ name: 'eve', password: 'correct horse battery' }),
    ]);
    expect(first.status).toBe(201);
    expect(first.body.user).toMatchObject({ name: 'ada', role: 'admin' });
    expect(first.body.user.passwordHash).toBeUndefined();
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('conflict');
    expect((await callApi(server.url, '', 'GET', '/api/v1/auth/setup')).body).toEqual({ needsAdmin: false });
    expect(await loginCookie(server.url, 'correct horse battery', 'ada')).toMatch(/^mcpwatch_session=/);
  });
});
