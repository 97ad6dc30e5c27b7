import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleServer, startExampleServer } from '../demo/example-server.js';
import { type RunningServer, startServer } from '../start-server.js';
import { callApi, loginCookie } from '../test-fixtures/api-client.js';
import { until } from '../test-fixtures/until.js';

/**
 * The service end to end over HTTP: a real SQLite file, real probes against loopback servers, the API as a
 * client sees it. Waits poll with a deadline; nothing asserts on durations.
 */
let dir: string;
let server: RunningServer;
let example: ExampleServer;
let health: http.Server;
let healthStatus = 200;
let healthUrl: string;
let cookie = '';

const api = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  callApi(server.url, cookie, method, url, body, headers);

const monitorNamed = async (name: string) =>
  (await api('GET', '/api/v1/monitors')).body.monitors.find((m: { name: string }) => m.name === name);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-api-'));
  example = await startExampleServer();
  health = http.createServer((_req, res) => {
    res.writeHead(healthStatus, { 'content-type': 'text/plain' });
    res.end(healthStatus === 200 ? 'ok' : 'broken');
  });
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}/healthz`;
  const configFile = path.join(dir, 'mcpwatch.yaml');
  writeFileSync(
    configFile,
    `monitors:\n  - kind: mcp\n    name: example\n    target: \${EXAMPLE_URL}\n    intervalSec: 3600\n    expectTools: [echo, add]\n`,
  );
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    database: path.join(dir, 'mcpwatch.db'),
    configFile,
    env: { MCPWATCH_ADMIN_PASSWORD: 'correct horse battery', EXAMPLE_URL: example.url },
    log: pino({ level: 'silent' }),
  });
  cookie = await loginCookie(server.url, 'correct horse battery');
});

afterAll(async () => {
  await server?.close(1000);
  await example?.close();
  health?.closeAllConnections();
  await new Promise((r) => health?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('the REST API', () => {
  it('is closed without credentials, but health, heartbeats and the OpenAPI document are open', async () => {
    const saved = cookie;
    cookie = '';
    try {
      expect((await api('GET', '/api/v1/monitors')).status).toBe(401);
      expect((await api('GET', '/live')).body).toEqual({ status: 'ok' });
      const ready = await api('GET', '/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toMatchObject({ store: true, scheduler: true, config: true });
      const doc = await api('GET', '/api/v1/openapi.json');
      expect(doc.body.openapi).toBe('3.1.0');
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/monitors',
          '/api/v1/monitors/{id}/check',
          '/api/v1/incidents/{id}/acknowledge',
        ]),
      );
      expect(
        doc.body.paths['/api/v1/monitors'].post.requestBody.content['application/json'].schema,
      ).toBeTruthy();
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining(['/api/v1/auth/login', '/api/v1/tokens']),
      );
      expect(doc.body.paths['/api/v1/auth/login'].post.security).toEqual([]);
    } finally {
      cookie = saved;
    }
  });

  it('takes the seed shape, says which field is wrong, and refuses a second monitor of one name', async () => {
    const seed = {
      kind: 'http',
      name: 'health',
      target: healthUrl,
      intervalSec: 1,
      consecutiveFails: 2,
      alertMessage: 'health is failing',
      recoveryMessage: 'health is back',
    };
    const created = await api('POST', '/api/v1/monitors', seed);
    expect(created.status).toBe(201);
    expect(created.body.monitor).toMatchObject({
      name: 'health',
      kind: 'http',
      source: 'api',
      readOnly: null,
    });
    expect(created.body.config).toMatchObject({ consecutiveFails: 2, alertMessage: 'health is failing' });

    const bad = await api('POST', '/api/v1/monitors', { ...seed, name: 'other', target: 'not a url' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', field: 'target' });

    const again = await api('POST', '/api/v1/monitors', seed);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  it('streams results live, opens an incident on down and resolves it on recovery, with its timeline', async () => {
    const monitor = await until(
      'health up',
      () => monitorNamed('health'),
      (m) => m?.status === 'up',
    );

    const stream = await fetch(`${server.url}/api/v1/stream`, { headers: { cookie } });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    let seen = '';
    const decoder = new TextDecoder();
    while (!seen.includes('event: result')) seen += decoder.decode((await reader.read()).value);
    expect(seen).toContain('"name":"health"');
    await reader.cancel();

    healthStatus = 500;
    await until(
      'health down',
      () => monitorNamed('health'),
      (m) => m?.status === 'down',
    );
    const open = await api('GET', `/api/v1/incidents?open=true&monitorId=${monitor.id}`);
    expect(open.body.incidents).toHaveLength(1);
    const incident = open.body.incidents[0];

    const ack = await api('POST', `/api/v1/incidents/${incident.id}/acknowledge`);
    expect(ack.body.incident.acknowledgedBy).toBe('admin');
    const note = await api('POST', `/api/v1/incidents/${incident.id}/note`, {
      note: 'upstream returned 500',
    });
    expect(note.body.incident.note).toBe('upstream returned 500');

    healthStatus = 200;
    await until(
      'health recovered',
      () => monitorNamed('health'),
      (m) => m?.status === 'up',
    );
    const detail = await api('GET', `/api/v1/incidents/${incident.id}`);
    expect(detail.body.incident.resolvedAt).not.toBeNull();
    expect(detail.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['down', 'recovered']);
    expect((await api('GET', `/api/v1/incidents?monitorId=${monitor.id}`)).body.incidents).toHaveLength(1);

    const results = await api('GET', `/api/v1/monitors/${monitor.id}/results?limit=1000`);
    const statuses = results.body.results.map((r: { status: string }) => r.status);
    expect(statuses).toContain('down');
    expect(statuses).toContain('up');
    const uptime = await api('GET', `/api/v1/monitors/${monitor.id}/uptime?windows=24h,90d`);
    expect(uptime.body.windows['24h'].checks).toBe(results.body.results.length);
    expect(uptime.body.windows['24h'].uptime).toBeLessThan(1);
  });

  it('checks an MCP server now, keeps its tool list, and leaves monitors from the file read-only', async () => {
    const monitor = await monitorNamed('example');
    expect(monitor.readOnly).toContain('mcpwatch.yaml');
    const checked = await api('POST', `/api/v1/monitors/${monitor.id}/check`);
    expect(checked.status).toBe(200);
    expect(checked.body.result).toMatchObject({ status: 'up', mcp: { transport: 'streamable-http' } });
    expect(checked.body.monitor.status).toBe('up');
    const tools = await api('GET', `/api/v1/monitors/${monitor.id}/tools`);
    expect(tools.body.tools.map((t: { name: string }) => t.name).sort()).toEqual(['add', 'echo', 'time']);

    const edit = await api('PUT', `/api/v1/monitors/${monitor.id}`, {
      kind: 'mcp',
      name: 'example',
      target: example.url,
    });
    expect(edit.status).toBe(403);
    expect(edit.body.error.message).toContain('mcpwatch.yaml');
    expect((await api('DELETE', `/api/v1/monitors/${monitor.id}`)).status).toBe(403);

    const paused = await api('POST', `/api/v1/monitors/${monitor.id}/pause`);
    expect(paused.body.monitor.status).toBe('paused');
    const resumed = await api('POST', `/api/v1/monitors/${monitor.id}/resume`);
    expect(resumed.body.monitor.status).toBe('pending');
  });

  it('takes heartbeats by token, says nothing for unknown tokens, and treats /fail as decisive', async () => {
    const created = await api('POST', '/api/v1/monitors', {
      kind: 'heartbeat',
      name: 'ide-server',
      mode: 'period',
      periodSec: 3600,
    });
    expect(created.status).toBe(201);
    const token = created.body.heartbeatToken as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const ping = await fetch(`${server.url}/hb/${token}`, { method: 'POST', body: 'all good' });
    expect(ping.status).toBe(200);
    expect((await monitorNamed('ide-server')).status).toBe('up');

    const unknown = await fetch(`${server.url}/hb/${'x'.repeat(32)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('not found\n');

    expect((await fetch(`${server.url}/hb/${token}/3`, { method: 'POST', body: 'disk full' })).status).toBe(
      200,
    );
    const down = await monitorNamed('ide-server');
    expect(down.status).toBe('down');
    const results = await api('GET', `/api/v1/monitors/${down.id}/results`);
    expect(results.body.results[0].message).toBe('The server reported a failure with exit code 3: disk full');

    // A leaked token is replaced, and the old one stops working; revoking all stops every ping.
    const rotated = await api('POST', `/api/v1/monitors/${down.id}/heartbeat-tokens`, { revokeOthers: true });
    expect(rotated.status).toBe(201);
    expect((await fetch(`${server.url}/hb/${token}`)).status).toBe(404);
    expect((await fetch(`${server.url}${rotated.body.path}`)).status).toBe(200);
    expect((await api('DELETE', `/api/v1/monitors/${down.id}/heartbeat-tokens`)).body).toEqual({
      revoked: 1,
    });
    expect((await fetch(`${server.url}${rotated.body.path}`)).status).toBe(404);
  });

  it('keeps the traffic reports of mcpwatch wrap by heartbeat token, and sums them per tool', async () => {
    const created = await api('POST', '/api/v1/monitors', {
      kind: 'heartbeat',
      name: 'wrapped',
      mode: 'activity',
    });
    expect(created.status).toBe(201);
    const token = created.body.heartbeatToken as string;
    const id = created.body.monitor.id as number;
    const t = Date.now() - 120_000;
    const report = (from: number, tools: object[], requests: number, errors: number) => ({
      version: 1,
      server: 'filesystem',
      from,
      to: from + 60_000,
      requests,
      errors,
      tools,
    });
    const post = (body: unknown) =>
      fetch(`${server.url}/hb/${token}/report`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const search = {
      name: 'search',
      calls: 3,
      errors: 1,
      durationMsSum: 30,
      durationMsMax: 20,
      durationMsP50: 5,
    };
    expect((await post(report(t, [search], 4, 1))).status).toBe(202);
    expect(
      (
        await post(
          report(
            t + 60_000,
            [{ ...search, calls: 1, errors: 0, durationMsSum: 50, durationMsMax: 50 }],
            2,
            0,
          ),
        )
      ).status,
    ).toBe(202);

    // Reports say nothing of liveness: the monitor is still waiting for its first ping.
    expect((await monitorNamed('wrapped')).status).toBe('pending');
    const traffic = await api('GET', `/api/v1/monitors/${id}/traffic`);
    expect(traffic.status).toBe(200);
    expect(traffic.body).toMatchObject({
      requests: 6,
      errors: 1,
      tools: [{ name: 'search', calls: 4, errors: 1, durationMsMean: 20, durationMsMax: 50 }],
    });
    expect(traffic.body.reports.map((r: { from: number }) => r.from)).toEqual([t, t + 60_000]);

    // A malformed report says what is wrong; an unknown token, nothing; a ping path is not a report.
    const bad = await post({ ...report(t, [], 1, 2) });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('errors: errors cannot exceed requests');
    expect((await post('not json')).status).toBe(400);
    const stranger = await fetch(`${server.url}/hb/${'y'.repeat(32)}/report`, {
      method: 'POST',
      body: JSON.stringify(report(t, [], 0, 0)),
    });
    expect(stranger.status).toBe(404);
  });

  it('resolves an incident by hand while the monitor stays down, once', async () => {
    const created = await api('POST', '/api/v1/monitors', {
      kind: 'tcp',
      name: 'refused',
      target: '127.0.0.1:1',
      intervalSec: 1,
      consecutiveFails: 1,
    });
    const id = created.body.monitor.id;
    await until(
      'refused down',
      () => monitorNamed('refused'),
      (m) => m?.incidentOpen === true,
    );
    const [incident] = (await api('GET', `/api/v1/incidents?open=true&monitorId=${id}`)).body.incidents;
    const resolved = await api('POST', `/api/v1/incidents/${incident.id}/resolve`);
    expect(resolved.status).toBe(200);
    expect(resolved.body.incident.resolvedAt).not.toBeNull();
    const monitor = await monitorNamed('refused');
    expect(monitor).toMatchObject({ status: 'down', incidentOpen: false });
    expect((await api('POST', `/api/v1/incidents/${incident.id}/resolve`)).status).toBe(409);
    const events = (await api('GET', `/api/v1/events?monitorId=${id}&kinds=incident_resolved`)).body.events;
    expect(events[0]).toMatchObject({ incident: 'resolved', evidence: { by: 'admin' } });
    expect((await api('DELETE', `/api/v1/monitors/${id}`)).status).toBe(204);
  });

  it('lets a read-only token read but not write', async () => {
    const token = await api('POST', '/api/v1/tokens', { name: 'dashboard', scope: 'read' });
    expect(token.status).toBe(201);
    const saved = cookie;
    cookie = '';
    try {
      const bearer = { authorization: `Bearer ${token.body.secret}` };
      expect((await api('GET', '/api/v1/monitors', undefined, bearer)).status).toBe(200);
      const write = await api('POST', '/api/v1/monitors', { kind: 'tcp', target: '127.0.0.1:1' }, bearer);
      expect(write.status).toBe(403);
    } finally {
      cookie = saved;
    }
  });
});
