import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../api/errors.js';
import { webRoutes } from './serve-web.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function appWith(files: Record<string, string> | undefined) {
  if (files) {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-web-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
  }
  const app = Fastify();
  installErrorHandler(app);
  app.get('/api/v1/monitors', async () => ({ monitors: [] }));
  webRoutes(app, files ? dir : undefined);
  await app.ready();
  return app;
}

describe('the dashboard files', () => {
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;
  const files = { 'index.html': '<!doctype html><div id="app"></div>', 'assets/index-abc123.js': script };

  it('serves built files, gzip when asked, and index.html for the routes the browser owns', async () => {
    const app = await appWith(files);
    const page = await app.inject({ url: '/monitors/3?range=7d' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<div id="app">');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");

    const js = await app.inject({
      url: '/assets/index-abc123.js',
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(gunzipSync(js.rawPayload).toString()).toBe(script);
    expect((await app.inject({ url: '/assets/index-abc123.js' })).body).toBe(script);

    // A missing asset is a 404, not the index page; the service's own paths keep their answers.
    expect((await app.inject({ url: '/assets/gone-1.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/v1/monitors' })).json()).toEqual({ monitors: [] });
    const unknown = await app.inject({ url: '/api/v1/nothing' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
  });

  it('says how to build the dashboard when it was not built', async () => {
    const app = await appWith(undefined);
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build');
  });
});
