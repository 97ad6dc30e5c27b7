import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeNpm } from './npm.js';

/** A loopback registry answering the way registry.npmjs.org documents its package metadata endpoint. */
let server: http.Server;
let registry = '';
const requests: { url?: string; accept?: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push({ url: req.url, accept: req.headers.accept });
    const docs: Record<string, unknown> = {
      '/@modelcontextprotocol%2fserver-everything': {
        name: '@modelcontextprotocol/server-everything',
        modified: '2026-08-31T10:00:00.000Z',
        'dist-tags': { latest: '2026.8.31', next: '2026.9.1-rc.1' },
        versions: { '2026.8.31': {} },
      },
      '/no-latest': { name: 'no-latest', 'dist-tags': {} },
    };
    if (req.url === '/private') return void res.writeHead(401).end('{"error":"unauthorized"}');
    if (req.url === '/garbage')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>');
    const doc = docs[req.url ?? ''];
    if (!doc)
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
    res.writeHead(200, { 'content-type': 'application/vnd.npm.install-v1+json' }).end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('probeNpm', () => {
  it('reads the dist-tag version of a scoped package, asking for the abbreviated document', async () => {
    const r = await probeNpm('@modelcontextprotocol/server-everything', { registry });
    expect(r).toMatchObject({
      status: 'up',
      npm: {
        version: '2026.8.31',
        distTags: { next: '2026.9.1-rc.1' },
        modified: '2026-08-31T10:00:00.000Z',
      },
    });
    expect(requests.at(-1)).toEqual({
      url: '/@modelcontextprotocol%2fserver-everything',
      accept: expect.stringContaining('application/vnd.npm.install-v1+json'),
    });
    const next = await probeNpm('@modelcontextprotocol/server-everything', { registry, distTag: 'next' });
    expect(next.npm?.version).toBe('2026.9.1-rc.1');
  });

  it('names what went wrong', async () => {
    expect(await probeNpm('missing-package', { registry })).toMatchObject({
      status: 'down',
      reason: 'http_status',
    });
    expect(await probeNpm('no-latest', { registry })).toMatchObject({
      status: 'down',
      reason: 'invalid_response',
    });
    expect(await probeNpm('private', { registry })).toMatchObject({
      status: 'down',
      reason: 'auth_required',
    });
    expect(await probeNpm('garbage', { registry })).toMatchObject({ status: 'down', reason: 'invalid_json' });
    await expect(probeNpm('Not A Name', { registry })).rejects.toThrow(/not an npm package name/);
  });
});
