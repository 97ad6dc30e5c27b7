import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerServer } from '../notify/test-fixtures.js';
import { type RunningServer, startServer } from '../start-server.js';
import { callApi, loginCookie } from '../test-fixtures/api-client.js';
import { until } from '../test-fixtures/until.js';
import { findAll, parseXml } from './xml-test-parser.js';

/**
 * Status pages end to end: a real service on a SQLite file, real probes against loopback servers, pages from
 * mcpwatch.yaml and from the API, read over HTTP as a visitor and as the dashboard.
 */
const DAY = 86_400_000;
let dir: string;
let server: RunningServer;
let health: http.Server;
let receiver: Awaited<ReturnType<typeof providerServer>>;
let cookie = '';
let target = '';

const api = (method: string, url: string, body?: unknown) => callApi(server.url, cookie, method, url, body);
const get = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${server.url}${url}`, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
};
const monitorNamed = (name: string) => server.service.monitors.byName(name);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-status-'));
  health = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  const port = (health.address() as AddressInfo).port;
  target = `http://ops:hunter2@127.0.0.1:${port}/healthz?token=s3cret`;
  receiver = await providerServer(() => ({ status: 204 }));
  const configFile = path.join(dir, 'mcpwatch.yaml');
  writeFileSync(
    configFile,
    [
      'channels:',
      `  team: { type: webhook, url: "${receiver.url}/team" }`,
      'monitors:',
      `  - { kind: http, name: api, target: "${target}", group: core, intervalSec: 1 }`,
      '  - { kind: tcp, name: db, target: "127.0.0.1:1", intervalSec: 1, consecutiveFails: 1 }',
      'statusPages:',
      '  - slug: public',
      '    title: "Acme <Status>"',
      '    description: \'Fish & "chips" <script>alert(1)</script>\'',
      '    items: [{ monitor: api, publicName: "API <b>" }, { monitor: db, publicName: Database }]',
      '    domain: status.acme.test',
      '  - slug: detailed',
      '    title: Detailed',
      '    items: [{ group: core, publicName: Core }, { monitor: db }]',
      '    showReasons: true',
      '    showLatency: true',
      '    showTargets: true',
      '',
    ].join('\n'),
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
  const apiId = monitorNamed('api')?.id as number;
  // History: two days ago the API failed every check; ten days ago it was fine.
  const today = Math.floor(Date.now() / DAY) * DAY;
  const at = (day: number, i: number) => today - day * DAY + i * 60_000;
  await server.service.store.recordResults([
    ...Array.from({ length: 10 }, (_, i) => ({
      monitorId: apiId,
      result: { startedAt: at(2, i), status: 'down' as const, message: 'x', durationMs: 5, timings: {} },
    })),
    ...Array.from({ length: 10 }, (_, i) => ({
      monitorId: apiId,
      result: { startedAt: at(10, i), status: 'up' as const, message: 'ok', durationMs: 5, timings: {} },
    })),
  ]);
  await until(
    'api up and db down with an incident',
    () => [monitorNamed('api'), monitorNamed('db')],
    ([a, d]) => a?.status === 'up' && d?.status === 'down' && d.incidentOpen,
  );
});

afterAll(async () => {
  await server?.close(1000);
  await receiver?.close();
  health?.closeAllConnections();
  await new Promise((r) => health?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** The page's JSON once it shows what `ready` waits for (pages are cached for a few seconds). */
// biome-ignore lint/suspicious/noExplicitAny: a test reads the JSON it expects.
const pageJson = (slug: string, ready: (page: any) => boolean = () => true) =>
  until(`the page ${slug}`, async () => JSON.parse((await get(`/status/${slug}.json`)).text), ready);

describe('a public status page', () => {
  it('shows status, 90 daily bars and incidents, and nothing it was not told to show', async () => {
    // The history was written straight to the store, without events: it shows once the page is rebuilt.
    const page = await pageJson(
      'public',
      (p) => p.incidents.length > 0 && p.services[0].bars[87].status === 'down',
    );
    expect(page.status).toBe('partial_outage');
    expect(page.services.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['API <b>', 'up'],
      ['Database', 'down'],
    ]);
    const bars = page.services[0].bars;
    expect(bars).toHaveLength(90);
    expect(bars[87]).toMatchObject({ status: 'down', uptime: 0 });
    expect(bars[79]).toMatchObject({ status: 'up', uptime: 1 });
    expect(bars[0]).toMatchObject({ status: 'none', uptime: null });
    expect(page.incidents[0]).toMatchObject({
      service: 'Database',
      status: 'investigating',
      resolvedAt: null,
    });
    expect(page.incidents[0]).not.toHaveProperty('cause');
    expect(page.services[1]).not.toHaveProperty('reason');
    expect(page.services[1]).not.toHaveProperty('latencyMs');

    const html = await get('/status/public');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    const reason = monitorNamed('db')?.lastCheck?.reason as string;
    expect(reason).toBeTruthy();
    for (const secret of ['hunter2', 's3cret', '127.0.0.1', 'healthz', reason]) {
      expect(html.text).not.toContain(secret);
      expect(JSON.stringify(page)).not.toContain(secret);
    }
    // The JSON carries the chosen text as it is; the HTML escapes it.
    expect(html.text).not.toContain('<script>');
    expect(html.text).not.toContain('<b>');
    expect(html.text).toContain('<title>Acme &lt;Status&gt;</title>');
    expect(html.text).toContain('Fish &amp; &quot;chips&quot; &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.text).toContain('API &lt;b&gt;');
    expect(html.text).toContain('Partial outage');
    expect(html.text.match(/<svg class="bars" viewBox="0 0 90 1"/g)).toHaveLength(2);
    expect(html.text).not.toMatch(/<script/i);
  });

  it('serves gzip when asked, small', async () => {
    const response = await fetch(`${server.url}/status/public`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect((await response.text()).length).toBeLessThan(50_000);
  });

  it('shows reasons, latency and the URL (without credentials or query) when the page enables them', async () => {
    const page = await pageJson(
      'detailed',
      (p) =>
        typeof p.services[0].latencyMs === 'number' &&
        p.services[1].status === 'down' &&
        p.incidents.length > 0,
    );
    const [core, db] = page.services;
    expect(core).toMatchObject({
      name: 'Core',
      status: 'up',
      url: target.replace('ops:hunter2@', '').split('?')[0],
    });
    expect(typeof core.latencyMs).toBe('number');
    expect(db).toMatchObject({ name: 'db', status: 'down', reason: monitorNamed('db')?.lastCheck?.reason });
    expect(page.incidents[0]).toHaveProperty('cause');
    expect(JSON.stringify(page)).not.toContain('hunter2');
  });

  it('answers 404 for an unknown slug', async () => {
    expect((await get('/status/nope')).status).toBe(404);
    expect((await get('/status/nope.json')).status).toBe(404);
    expect((await get('/status/nope/feed.atom')).status).toBe(404);
    expect((await get('/status/nope/badge.svg')).status).toBe(404);
  });

  it('is served at / of its custom domain, and only there', async () => {
    const page = await server.app.inject({ url: '/', headers: { host: 'status.acme.test:443' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Acme &lt;Status&gt;</title>');
    const feed = await server.app.inject({ url: '/feed.atom', headers: { host: 'status.acme.test' } });
    expect(parseXml(feed.body).name).toBe('feed');
    const other = await server.app.inject({ url: '/', headers: { host: 'mcpwatch.internal' } });
    expect(other.body).not.toContain('Acme');
    const api = await server.app.inject({ url: '/api/v1/monitors', headers: { host: 'status.acme.test' } });
    expect(api.statusCode).toBe(401);
  });
});

describe('the Atom feed', () => {
  it('parses, with one entry per incident and its public updates only', async () => {
    const incident = (await api('GET', '/api/v1/incidents?open=true')).body.incidents[0];
    await api('POST', `/api/v1/incidents/${incident.id}/updates`, {
      status: 'identified',
      message: 'The disk is full <again> & we know',
      public: true,
    });
    await api('POST', `/api/v1/incidents/${incident.id}/updates`, {
      status: 'monitoring',
      message: 'internal: ssh db-7 and rm the logs',
      public: false,
    });
    // Pages are built again in the background: the update shows within moments, not at once.
    const response = await until(
      'the update in the feed',
      () => get('/status/public/feed.atom'),
      (r) => r.text.includes('The disk is full'),
    );
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const feed = parseXml(response.text);
    expect(feed.attributes.xmlns).toBe('http://www.w3.org/2005/Atom');
    const entries = findAll(feed, 'entry');
    expect(entries.length).toBeGreaterThan(0);
    const entry = entries[0];
    const child = (name: string) => entry?.children.find((c) => c.name === name);
    expect(child('title')?.text).toBe('Database: identified');
    expect(Date.parse(child('updated')?.text ?? '')).not.toBeNaN();
    expect(child('id')?.text).toContain(`/status/public#incident-${incident.id}`);
    expect(child('content')?.text).toContain('The disk is full &lt;again&gt; &amp; we know');
    expect(response.text).not.toContain('ssh db-7');
    const html = await until(
      'the update on the page',
      async () => (await get('/status/public')).text,
      (text) => text.includes('The disk is full'),
    );
    expect(html).toContain('The disk is full &lt;again&gt; &amp; we know');
    expect(html).not.toContain('ssh db-7');
  });
});

describe('badges', () => {
  it('draw status, uptime and the overall status as SVG, and shields.io JSON', async () => {
    const status = await get('/status/public/badge/Database/status.svg');
    expect(status.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(status.headers.get('cache-control')).toBe('max-age=60');
    const svg = parseXml(status.text);
    expect(svg.attributes['aria-label']).toBe('Database: down');
    expect(findAll(svg, 'rect').map((r) => r.attributes.fill)).toContain('#e05d44');
    expect(findAll(svg, 'text').map((t) => t.text)).toEqual(['Database', 'Database', 'down', 'down']);

    const escaped = await get(`/status/public/badge/${encodeURIComponent('API <b>')}/status.svg`);
    expect(parseXml(escaped.text).attributes['aria-label']).toBe('API <b>: up');
    expect(escaped.text).toContain('#4c1');

    const uptime = parseXml((await get('/status/public/badge/Database/uptime.svg?window=24h')).text);
    expect(uptime.attributes['aria-label']).toMatch(/^uptime 24h: (0%|\d+(\.\d+)?%)$/);
    expect((await get('/status/public/badge/Database/uptime.svg?window=1y')).status).toBe(400);

    const overall = parseXml((await get('/status/public/badge.svg')).text);
    expect(overall.attributes['aria-label']).toBe('Acme <Status>: partial outage');

    const shields = JSON.parse((await get('/status/public/badge/Database/shields.json')).text);
    expect(shields).toEqual({
      schemaVersion: 1,
      label: 'Database',
      message: 'down',
      color: 'red',
      cacheSeconds: 60,
    });
    const up = JSON.parse(
      (await get('/status/public/badge/Database/shields.json?metric=uptime&window=7d')).text,
    );
    expect(up).toMatchObject({ schemaVersion: 1, label: 'uptime 7d' });
  });

  it('reveal only what their page shows: latency only where shown, services only on their page', async () => {
    expect((await get('/status/public/badge/Database/latency.svg')).status).toBe(404);
    expect((await get('/status/public/badge/Database/shields.json?metric=latency')).status).toBe(404);
    const latency = parseXml((await get('/status/detailed/badge/Core/latency.svg')).text);
    expect(latency.attributes['aria-label']).toMatch(/^latency: (\d+ ms|no data)$/);
    expect((await get('/status/public/badge/db/status.svg')).status).toBe(404);
    expect((await get('/status/public/badge/api/status.svg')).status).toBe(404);
  });
});

describe('status pages through the API', () => {
  it('lists the file pages read-only and refuses to change them, saying why', async () => {
    const list = await api('GET', '/api/v1/status-pages');
    expect(list.body.pages.map((p: { slug: string; source: string }) => [p.slug, p.source])).toEqual([
      ['public', 'file'],
      ['detailed', 'file'],
    ]);
    const put = await api('PUT', '/api/v1/status-pages/public', { title: 'x', items: [{ monitor: 'db' }] });
    expect(put.status).toBe(403);
    expect(put.body.error.message).toContain('mcpwatch.yaml');
    expect((await api('DELETE', '/api/v1/status-pages/public')).status).toBe(403);
    expect(
      (await api('POST', '/api/v1/status-pages', { slug: 'public', title: 'x', items: [{ monitor: 'db' }] }))
        .status,
    ).toBe(409);
  });

  it('lets a viewer read and only an editor write', async () => {
    expect(
      (await api('POST', '/api/v1/users', { name: 'vera', password: 'viewer password 1', role: 'viewer' }))
        .status,
    ).toBe(201);
    const viewer = await loginCookie(server.url, 'viewer password 1', 'vera');
    const as = (method: string, url: string, body?: unknown) =>
      callApi(server.url, viewer, method, url, body);
    expect((await as('GET', '/api/v1/status-pages')).status).toBe(200);
    expect((await as('GET', '/api/v1/maintenance')).status).toBe(200);
    const page = { slug: 'mine', title: 't', items: [{ monitor: 'db' }] };
    expect((await as('POST', '/api/v1/status-pages', page)).status).toBe(403);
    const window = { name: 'w', start: '2030-01-01T00:00:00Z', end: '2030-01-01T01:00:00Z' };
    expect((await as('POST', '/api/v1/maintenance', window)).status).toBe(403);
    expect(
      (await as('POST', '/api/v1/incidents/1/updates', { status: 'identified', message: 'x' })).status,
    ).toBe(403);
  });

  it('are described in the OpenAPI document, with their bodies', async () => {
    const doc = (await api('GET', '/api/v1/openapi.json')).body;
    for (const path of ['/api/v1/status-pages', '/api/v1/maintenance', '/api/v1/incidents/{id}/updates']) {
      expect(doc.paths[path]?.post?.requestBody, path).toBeDefined();
    }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/status/{slug}', '/status/{slug}/badge/{name}/shields.json']),
    );
  });

  it('names the field of a bad page', async () => {
    const cases: [unknown, string][] = [
      [{ slug: 'Bad Slug', title: 't', items: [{ monitor: 'db' }] }, 'slug'],
      [{ slug: 'ok', title: 't', items: [{ monitor: 'db', group: 'core' }] }, 'items.0.monitor'],
      [{ slug: 'ok', title: 't', items: [{ monitor: 'db' }], showSecrets: true }, 'showSecrets'],
      [{ slug: 'ok', title: 't', items: [{ monitor: 'db' }], domain: 'http://x' }, 'domain'],
      [{ slug: 'ok', title: 't', items: [{ monitor: 'db' }], domain: 'status.acme.test' }, 'domain'],
    ];
    for (const [body, field] of cases) {
      const answer = await api('POST', '/api/v1/status-pages', body);
      expect([400, 409], JSON.stringify(answer.body)).toContain(answer.status);
      expect(answer.body.error.field).toBe(field);
    }
  });

  it('creates, serves, replaces and deletes a page', async () => {
    const created = await api('POST', '/api/v1/status-pages', {
      slug: 'partners',
      title: 'Partner status',
      items: [{ monitor: 'api', publicName: 'Gateway' }, { monitor: 'ghost' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.page).toMatchObject({
      slug: 'partners',
      source: 'api',
      readOnly: null,
      url: '/status/partners',
      showReasons: false,
      warnings: ['items.1.monitor: there is no monitor "ghost": it is left off the page'],
    });
    expect((await get('/status/partners')).text).toContain('Gateway');
    const replaced = await api('PUT', '/api/v1/status-pages/partners', {
      title: 'Partners',
      items: [{ monitor: 'db', publicName: 'Storage' }],
    });
    expect(replaced.status).toBe(200);
    // What was read can be sent back as it is.
    const read = (await api('GET', '/api/v1/status-pages/partners')).body.page;
    expect((await api('PUT', '/api/v1/status-pages/partners', read)).status).toBe(200);
    expect((await api('GET', '/api/v1/status-pages/partners')).body.page.title).toBe('Partners');
    const page = await pageJson('partners');
    expect(page.services.map((s: { name: string }) => s.name)).toEqual(['Storage']);
    const renamed = await api('PUT', '/api/v1/status-pages/partners', {
      slug: 'other',
      title: 'x',
      items: [{ monitor: 'db' }],
    });
    expect(renamed.body.error.field).toBe('slug');
    expect((await api('DELETE', '/api/v1/status-pages/partners')).status).toBe(204);
    expect((await get('/status/partners')).status).toBe(404);
    expect((await api('DELETE', '/api/v1/status-pages/partners')).status).toBe(404);
  });
});

describe('incident updates', () => {
  it('are validated, listed, and a resolved one resolves the incident', async () => {
    const incident = (await api('GET', '/api/v1/incidents?open=true')).body.incidents[0];
    const bad = await api('POST', `/api/v1/incidents/${incident.id}/updates`, {
      status: 'fixed',
      message: 'x',
    });
    expect(bad.body.error.field).toBe('status');
    expect(
      (await api('POST', '/api/v1/incidents/99999/updates', { status: 'resolved', message: 'x' })).status,
    ).toBe(404);
    const posted = await api('POST', `/api/v1/incidents/${incident.id}/updates`, {
      status: 'resolved',
      message: 'Fixed by hand',
      public: true,
    });
    expect(posted.status).toBe(201);
    expect(posted.body.update).toMatchObject({ status: 'resolved', public: true, author: 'admin' });
    expect(posted.body.incident.resolvedAt).not.toBeNull();
    const updates = (await api('GET', `/api/v1/incidents/${incident.id}/updates`)).body.updates;
    expect(updates.map((u: { status: string }) => u.status)).toContain('resolved');
    const page = await pageJson('public', (p) =>
      p.incidents.some((i: { id: number }) => i.id === incident.id && i.resolvedAt),
    );
    expect(page.incidents.find((i: { id: number }) => i.id === incident.id).status).toBe('resolved');
  });
});

describe('maintenance windows through the API', () => {
  it('hold alerts like the file windows, show on the page, and release the held alert when deleted', async () => {
    const now = Date.now();
    const bad = await api('POST', '/api/v1/maintenance', {
      name: 'x',
      schedule: 'every day',
      durationMin: 5,
    });
    expect(bad.body.error.field).toBe('schedule');
    expect(
      (await api('POST', '/api/v1/maintenance', { name: 'x', start: new Date(now).toISOString() })).body.error
        .field,
    ).toBe('end');
    const window = await api('POST', '/api/v1/maintenance', {
      name: 'disk swap',
      monitors: ['cache'],
      start: new Date(now - 60_000).toISOString(),
      end: new Date(now + 3_600_000).toISOString(),
    });
    expect(window.status).toBe(201);
    expect(window.body.window).toMatchObject({ name: 'disk swap', source: 'api', active: true });
    const again = await api('PUT', `/api/v1/maintenance/${window.body.window.id}`, window.body.window);
    expect(again.status).toBe(200);
    const created = await api('POST', '/api/v1/monitors', {
      kind: 'tcp',
      name: 'cache',
      target: '127.0.0.1:1',
      intervalSec: 1,
      consecutiveFails: 1,
      notify: ['team'],
    });
    expect(created.status).toBe(201);
    const id = created.body.monitor.id;
    await until(
      'cache down in maintenance',
      () => server.service.monitors.get(id),
      (m) => m.status === 'down',
    );
    expect(server.service.monitors.get(id).maintenance).toBe('disk swap');
    const deliveries = await server.service.store.listDeliveries({ monitorId: id });
    expect(deliveries[0]).toMatchObject({
      status: 'held',
      heldReason: 'maintenance window "disk swap" was on',
    });
    expect(receiver.received).toEqual([]);

    const page = await api('POST', '/api/v1/status-pages', {
      slug: 'cache',
      title: 'Cache',
      items: [{ monitor: 'cache' }],
    });
    expect(page.status).toBe(201);
    const shown = await pageJson('cache');
    expect(shown.status).toBe('maintenance');
    expect(shown.maintenance).toEqual([
      expect.objectContaining({ name: 'disk swap', services: ['cache'], ongoing: true }),
    ]);
    const list = (await api('GET', '/api/v1/maintenance')).body.windows;
    expect(list.map((w: { name: string; source: string }) => [w.name, w.source])).toEqual([
      ['disk swap', 'api'],
    ]);

    expect((await api('DELETE', `/api/v1/maintenance/${window.body.window.id}`)).status).toBe(204);
    const sent = await until(
      'the held alert released',
      () => receiver.received.map((r) => JSON.parse(r.body)),
      (bodies) => bodies.length > 0,
    );
    expect(sent[0].title).toBe('cache is down');
    expect((await api('GET', `/api/v1/maintenance/${window.body.window.id}`)).status).toBe(404);
  });
});
