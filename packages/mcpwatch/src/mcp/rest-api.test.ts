import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test-fixtures/free-port.js';
import { RestWatchApi, scopeOf } from './rest-api.js';
import { WatchError } from './watch-api.js';

/**
 * What `mcpwatch mcp --url` says when the service is not what it expects: a loopback server plays each case
 * (a refused token, a web page, an older mcpwatch, one that never answers). The happy paths run against a real
 * service in stdio.test.ts.
 */
let server: http.Server;
let base: string;
const TOKEN = 'mcpw_test';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '';
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path.startsWith('/refused/')) {
      json(401, {
        error: { code: 'unauthenticated', message: 'This API token is unknown, revoked or expired.' },
      });
    } else if (path.startsWith('/page/')) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>a router login page</html>');
    } else if (path.startsWith('/old/')) {
      json(404, {
        error: { code: 'not_found', message: `No route POST ${path.slice(4)}: see /api/v1/openapi.json` },
      });
    } else if (path.startsWith('/stuck/')) {
      // Never answers: the client's deadline must end the call.
    } else if (path.startsWith('/ok/api/v1/monitors')) {
      json(200, { monitors: [{ id: 1, name: 'Files' }] });
    } else if (path.startsWith('/ok/api/v1/auth/me')) {
      expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
      json(200, { user: { name: 'ops', role: 'editor' }, via: 'token', scope: 'write' });
    } else {
      json(500, { error: { code: 'internal', message: 'Internal error: the server log has the details.' } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function refusal(work: Promise<unknown>): Promise<WatchError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WatchError);
  return error as WatchError;
}

const api = (prefix: string, timeoutMs?: number) =>
  new RestWatchApi({ url: `${base}/${prefix}/`, token: TOKEN, ...(timeoutMs ? { timeoutMs } : {}) });

describe('RestWatchApi', () => {
  it("reads the token's owner and scope, keeping the URL's path prefix", async () => {
    expect(await api('ok').whoAmI()).toEqual({ name: 'ops', role: 'editor', scope: 'write' });
  });

  it('says a refused token is wrong or expired, and how to make one', async () => {
    const error = await refusal(api('refused').whoAmI());
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/^The token is wrong or expired: create one in the dashboard/);
  });

  it('says nothing serves the URL when the connection is refused', async () => {
    const port = await freePort();
    const error = await refusal(new RestWatchApi({ url: `http://127.0.0.1:${port}`, token: TOKEN }).whoAmI());
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain(`No mcpwatch serve at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('says a page that is not JSON is not mcpwatch', async () => {
    const error = await refusal(api('page').listMonitors());
    expect(error.message).toContain("it is not mcpwatch's API");
  });

  it('says an mcpwatch without a route needs upgrading', async () => {
    const error = await refusal(api('old').probe({ url: 'https://example.com/mcp' }));
    expect(error.message).toContain('upgrade it');
  });

  it('ends a call the service never answers', async () => {
    const error = await refusal(api('stuck', 300).listMonitors());
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain('did not answer GET /api/v1/monitors');
  });

  it('reports a server error with its message', async () => {
    const error = await refusal(api('broken').listIncidents());
    expect(error.message).toContain('HTTP 500');
  });

  it('names the close monitors for a mistyped name', async () => {
    const error = await refusal(api('ok').checkNow('fils'));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('"Files"');
  });

  it("gives a viewer's write token the read scope", () => {
    expect(scopeOf({ name: 'v', role: 'viewer', scope: 'write' })).toBe('read');
    expect(scopeOf({ name: 'e', role: 'editor', scope: 'write' })).toBe('write');
    expect(scopeOf({ name: 'a', role: 'admin', scope: 'read' })).toBe('read');
  });
});
