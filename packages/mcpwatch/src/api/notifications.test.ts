import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashApiToken, newApiToken } from '../auth/api-token.js';
import { webhook } from '../notify/providers/webhook.js';
import { providerServer } from '../notify/test-fixtures.js';
import { openStore, type Role, type Store } from '../store/index.js';
import { authPlugin } from './auth.js';
import { installErrorHandler } from './errors.js';
import { type ChannelListing, maskChannelConfig, notificationRoutes } from './notifications.js';
import type { RouteDoc } from './route.js';

/** The routes on a real SQLite store behind the real auth plugin, called with API tokens of each role. */
const T0 = Date.UTC(2026, 10, 22, 10);
let dir: string;
let store: Store;
let app: FastifyInstance;
let fileChannels: ChannelListing[];
let changes = 0;
const tokens: Partial<Record<Role, string>> = {};
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-notify-api-'));
  store = await openStore(`sqlite:${path.join(dir, 'mcpwatch.db')}`);
  fileChannels = [{ name: 'ops-slack', type: 'webhook', source: 'file', config: { url: '${SLACK_URL}' } }];
  changes = 0;
  for (const role of ['viewer', 'editor'] as const) {
    const user = await store.createUser({ name: role, passwordHash: 'x', role }, T0);
    const { token, hash } = newApiToken();
    await store.createApiToken(
      { name: role, tokenHash: hash, userId: user?.id as number, scope: 'write', expiresAt: null },
      T0,
    );
    expect(hashApiToken(token)).toBe(hash);
    tokens[role] = token;
  }
  app = Fastify();
  installErrorHandler(app);
  const docs: RouteDoc[] = [];
  await app.register(authPlugin, { store, docs });
  notificationRoutes(app, docs, {
    store,
    now: () => T0,
    listChannels: async () => [
      ...fileChannels,
      ...(await store.listChannels()).map((c) => ({ ...c, source: 'api' as const })),
    ],
    resolveChannel: (name) => {
      if (name === 'ops-slack') return { error: 'SLACK_URL is not set in the environment of mcpwatch' };
      const url = urls[name];
      return url ? { notifier: webhook, config: webhook.config.parse({ url }) } : { error: 'unknown' };
    },
    channelsChanged: () => {
      changes++;
    },
  });
  await app.ready();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const urls: Record<string, string> = {};

async function call(role: Role, method: string, url: string, body?: unknown) {
  const response = await app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${tokens[role]}` },
    ...(body !== undefined ? { payload: body as object } : {}),
  });
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : null };
}

describe('notification routes', () => {
  it('lists deliveries newest first, filtered and paged, to viewers', async () => {
    const m = await store.createMonitor(
      { key: 'm', name: 'm', kind: 'mcp', target: 'https://x', config: {}, source: 'api' },
      T0,
    );
    for (let v = 0; v < 3; v++) {
      await store.setState(m.id, v, { status: 'down', since: T0, lastCheckAt: T0, data: {} }, [
        { kind: 'down', at: T0 + v, evidence: {}, channels: ['a', 'b'] },
      ]);
    }
    const [claimed] = await store.claimOutbox('w', T0 + 10);
    await store.failOutbox(claimed?.id as number, 'w', T0 + 10, 'HTTP 400: no', {
      permanent: true,
      status: 400,
    });

    const all = await call('viewer', 'GET', '/api/v1/deliveries');
    expect(all.status).toBe(200);
    expect(all.body.deliveries).toHaveLength(6);
    expect(all.body.nextBeforeId).toBeNull();
    const failed = await call('viewer', 'GET', '/api/v1/deliveries?status=failed');
    expect(failed.body.deliveries).toMatchObject([
      {
        channel: 'a',
        status: 'failed',
        statusCode: 400,
        lastError: 'HTTP 400: no',
        event: { monitorId: m.id },
      },
    ]);
    const page = await call('viewer', 'GET', `/api/v1/deliveries?channel=b&limit=2&monitorId=${m.id}`);
    expect(page.body.deliveries.map((d: { channel: string }) => d.channel)).toEqual(['b', 'b']);
    const rest = await call(
      'viewer',
      'GET',
      `/api/v1/deliveries?channel=b&beforeId=${page.body.nextBeforeId}`,
    );
    expect(rest.body.deliveries).toHaveLength(1);
    expect((await call('viewer', 'GET', '/api/v1/deliveries?status=lost')).status).toBe(400);
  });

  it('creates, lists with secrets hidden, replaces and deletes API channels; file channels are read-only', async () => {
    const body = {
      name: 'hook',
      type: 'webhook',
      url: 'https://hooks.example.com/T000/secret-path',
      secret: '${HOOK_SECRET}',
      headers: { authorization: 'Bearer abc', 'x-team': 'ops' },
    };
    expect((await call('viewer', 'POST', '/api/v1/channels', body)).status).toBe(403);
    const created = await call('editor', 'POST', '/api/v1/channels', body);
    expect(created.status).toBe(201);
    expect(created.body.channel).toEqual({
      name: 'hook',
      type: 'webhook',
      source: 'api',
      config: {
        url: 'https://hooks.example.com/***',
        secret: '${HOOK_SECRET}',
        headers: { authorization: '***', 'x-team': 'ops' },
      },
    });
    expect(changes).toBe(1);
    // Stored as written: the secret stays a reference, the URL whole.
    expect((await store.getChannel('hook'))?.config).toEqual({
      url: 'https://hooks.example.com/T000/secret-path',
      secret: '${HOOK_SECRET}',
      headers: { authorization: 'Bearer abc', 'x-team': 'ops' },
    });
    const listed = await call('editor', 'GET', '/api/v1/channels');
    expect(listed.body.channels.map((c: ChannelListing) => [c.name, c.source])).toEqual([
      ['ops-slack', 'file'],
      ['hook', 'api'],
    ]);
    expect(JSON.stringify(listed.body)).not.toContain('secret-path');
    expect(JSON.stringify(listed.body)).not.toContain('Bearer abc');

    expect((await call('editor', 'POST', '/api/v1/channels', body)).status).toBe(409);
    expect((await call('editor', 'POST', '/api/v1/channels', { ...body, name: 'ops-slack' })).status).toBe(
      409,
    );

    // What the list showed, sent back with one plain field changed: the hidden values are kept as stored.
    const shownBack = await call('editor', 'PUT', '/api/v1/channels/hook', {
      ...created.body.channel.config,
      type: 'webhook',
      headers: { ...created.body.channel.config.headers, 'x-team': 'dev' },
    });
    expect(shownBack.status).toBe(200);
    expect((await store.getChannel('hook'))?.config).toEqual({
      url: 'https://hooks.example.com/T000/secret-path',
      secret: '${HOOK_SECRET}',
      headers: { authorization: 'Bearer abc', 'x-team': 'dev' },
    });
    // A mask where nothing was hidden cannot stand for anything.
    const guessed = await call('editor', 'PUT', '/api/v1/channels/hook', {
      type: 'webhook',
      url: 'https://hooks.example.com/T000/secret-path',
      headers: { cookie: '***' },
    });
    expect(guessed.status).toBe(400);
    expect(guessed.body.error.field).toBe('headers.cookie');

    const replaced = await call('editor', 'PUT', '/api/v1/channels/hook', {
      type: 'webhook',
      url: '${HOOK_URL}',
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.channel.config).toEqual({ url: '${HOOK_URL}' });
    expect((await call('editor', 'PUT', '/api/v1/channels/hook', { ...body, name: 'other' })).status).toBe(
      400,
    );
    expect(
      (
        await call('editor', 'PUT', '/api/v1/channels/ops-slack', {
          type: 'webhook',
          url: 'https://x.example',
        })
      ).body,
    ).toMatchObject({
      error: { code: 'read_only' },
    });
    expect(
      (await call('editor', 'PUT', '/api/v1/channels/nope', { type: 'webhook', url: 'https://x.example' }))
        .status,
    ).toBe(404);

    expect((await call('editor', 'DELETE', '/api/v1/channels/ops-slack')).status).toBe(403);
    expect((await call('editor', 'DELETE', '/api/v1/channels/hook')).status).toBe(204);
    expect((await call('editor', 'DELETE', '/api/v1/channels/hook')).status).toBe(404);
    expect(changes).toBe(4);
  });

  it("checks a channel's settings with its provider's schema, leaving ${NAME} references for send time", async () => {
    const bad = await call('editor', 'POST', '/api/v1/channels', {
      name: 'h',
      type: 'webhook',
      url: 'ftp://x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', field: 'url' });
    const short = await call('editor', 'POST', '/api/v1/channels', {
      name: 'h',
      type: 'webhook',
      url: '${HOOK_URL}',
      secret: 'short',
    });
    expect(short.body.error).toMatchObject({ field: 'secret' });
    const unknown = await call('editor', 'POST', '/api/v1/channels', {
      name: 'h',
      type: 'webhook',
      url: 'https://x.example',
      colour: 'red',
    });
    expect(unknown.body.error).toMatchObject({ field: 'colour', message: 'colour: is not a known field' });
    const type = await call('editor', 'POST', '/api/v1/channels', { name: 'h', type: 'carrier-pigeon' });
    expect(type.body.error).toMatchObject({ field: 'type' });
    const name = await call('editor', 'POST', '/api/v1/channels', {
      name: '../x',
      type: 'webhook',
      url: 'https://x.example',
    });
    expect(name.body.error).toMatchObject({ field: 'name' });
    expect(await store.listChannels()).toEqual([]);
  });

  it('sends a test message through a channel now and answers what the provider said', async () => {
    const hook = await providerServer(() => ({ status: 202, body: 'queued' }));
    cleanups.push(hook.close);
    urls.hook = hook.url;
    await call('editor', 'POST', '/api/v1/channels', { name: 'hook', type: 'webhook', url: '${HOOK_URL}' });
    const sent = await call('editor', 'POST', '/api/v1/channels/hook/test');
    expect(sent).toEqual({ status: 200, body: { delivery: { ok: true, status: 202, response: 'queued' } } });
    expect(JSON.parse(hook.received[0]?.body ?? '{}')).toMatchObject({
      kind: 'test',
      state: 'info',
      priority: 4,
      title: 'mcpwatch test message',
    });
    const unusable = await call('editor', 'POST', '/api/v1/channels/ops-slack/test');
    expect(unusable.body.delivery).toEqual({
      ok: false,
      permanent: true,
      error: 'SLACK_URL is not set in the environment of mcpwatch',
    });
    expect((await call('editor', 'POST', '/api/v1/channels/nope/test')).status).toBe(404);
    expect((await call('viewer', 'POST', '/api/v1/channels/hook/test')).status).toBe(403);
  });
});

describe('maskChannelConfig', () => {
  it('hides secrets and URL paths at any depth, and shows references and plain settings', () => {
    expect(
      maskChannelConfig({
        type: 'smtp',
        host: 'smtp.example.com',
        password: 'hunter2',
        apiKey: '${KEY}',
        routingKey: 'r-123',
        webhookUrl: 'https://user:pw@hooks.example.com/services/T0/B0/xyz?token=1',
        to: ['a@example.com'],
        port: 587,
      }),
    ).toEqual({
      type: 'smtp',
      host: 'smtp.example.com',
      password: '***',
      apiKey: '${KEY}',
      routingKey: '***',
      webhookUrl: 'https://hooks.example.com/***',
      to: ['a@example.com'],
      port: 587,
    });
  });
});
