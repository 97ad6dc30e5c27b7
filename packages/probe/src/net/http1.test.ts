/**
 * The probe's own HTTP/1.1 client against raw TCP servers that answer byte by byte what the test says:
 * well-formed variants it must read, and malformed ones it must name.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeContext } from '../context.js';
import { probeHttp } from '../probes/http.js';
import { expectVerdict, settle } from '../test-fixtures/servers.js';
import { HttpOrigin, readBody } from './http.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

let connections = 0;

/** Serves every connection with `answer`, called once per request head received. */
async function raw(answer: (socket: Socket, index: number) => void): Promise<string> {
  connections = 0;
  server = createServer((socket) => {
    connections++;
    let seen = '';
    let requests = 0;
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      while (seen.includes('\r\n\r\n')) {
        seen = seen.slice(seen.indexOf('\r\n\r\n') + 4);
        answer(socket, requests++);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}/healthz`;
}

const probe = (url: string, options = {}) => settle(probeHttp(url, { timeoutMs: 2000, ...options }), 2000);

describe('well-formed answers', () => {
  it('reads a chunked body with extensions and trailers', async () => {
    const url = await raw((s) =>
      s.write(
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3;ext=1\r\nok \r\n4\r\nfine\r\n0\r\nx-trailer: 1\r\n\r\n',
      ),
    );
    const r = await probe(url, { bodyContains: 'ok fine' });
    expectVerdict(r, 'up', undefined);
    expect(r.http?.bodyBytes).toBe(7);
  });

  it('skips a 100 Continue before the real head', async () => {
    const url = await raw((s) =>
      s.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'),
    );
    expectVerdict(await probe(url, { bodyContains: 'ok' }), 'up', undefined);
  });

  it('reads a body that ends when the server closes', async () => {
    const url = await raw((s) => s.end('HTTP/1.0 200 OK\r\n\r\nuntil close'));
    const r = await probe(url, { bodyContains: 'until close' });
    expectVerdict(r, 'up', undefined);
  });

  it('takes a head split across many small writes', async () => {
    const text = 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n\r\nhello';
    const url = await raw((s) => {
      for (const ch of text) s.write(ch);
    });
    expectVerdict(
      await probe(url, { bodyContains: 'hello', expectHeaders: { 'Content-Type': 'text/plain' } }),
      'up',
      undefined,
    );
  });
});

describe('malformed answers', () => {
  const cases: [string, string][] = [
    ['a status line that is not HTTP', 'SSH-2.0-OpenSSH_9.2\r\n\r\n'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nbroken header\r\n\r\n'],
    ['a content-length that is not a number', 'HTTP/1.1 200 OK\r\ncontent-length: lots\r\n\r\n'],
    ['a chunk size that is not hexadecimal', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'],
    ['a chunk without its closing CRLF', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nokXX'],
  ];
  for (const [name, answer] of cases) {
    it(`names ${name} invalid_response`, async () => {
      const url = await raw((s) => s.write(answer));
      expectVerdict(await probe(url), 'down', 'invalid_response', 'request');
    });
  }

  it('cuts a head that never ends', async () => {
    const url = await raw((s) => s.write(`HTTP/1.1 200 OK\r\nx-pad: ${'a'.repeat(100_000)}`));
    const r = await probe(url);
    expectVerdict(r, 'down', 'invalid_response', 'request');
    expect(r.message).toMatch(/head over/);
  });

  it('names a connection closed in the middle of a fixed-length body connect_reset', async () => {
    const url = await raw((s) => s.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part'));
    expectVerdict(await probe(url), 'down', 'connect_reset', 'request');
  });
});

describe('connection reuse', () => {
  async function twice(url: string): Promise<string[]> {
    const ctx = new ProbeContext({ timeoutMs: 2000, maxBytes: 1024 });
    const origin = await HttpOrigin.open(new URL(url), ctx);
    try {
      const bodies: string[] = [];
      for (let i = 0; i < 2; i++) {
        const reply = await origin.request({ method: 'GET', url: new URL(url), signal: ctx.signal });
        bodies.push((await readBody(reply, 1024)).toString());
      }
      return bodies;
    } finally {
      await origin.close();
      ctx.dispose();
    }
  }

  it('keeps one connection alive across requests', async () => {
    const url = await raw((s, i) => s.write(`HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n${i}`));
    expect(await twice(url)).toEqual(['0', '1']);
    expect(connections).toBe(1);
  });

  it('opens a new one after the server says connection: close', async () => {
    const url = await raw((s) =>
      s.end('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok'),
    );
    expect(await twice(url)).toEqual(['ok', 'ok']);
    expect(connections).toBe(2);
  });
});

describe('credentials in the URL', () => {
  it('are sent as Basic auth and never printed', async () => {
    let seen = '';
    server = createServer((socket) => {
      socket.once('data', (chunk) => {
        seen = /authorization: (.*)\r\n/i.exec(chunk.toString('latin1'))?.[1] ?? '';
        socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const r = await probe(`http://ops:p%40ss@127.0.0.1:${port}/healthz`);
    expectVerdict(r, 'up', undefined);
    expect(seen).toBe(`Basic ${Buffer.from('ops:p@ss').toString('base64')}`);
    expect(r.target).toBe(`http://ops:***@127.0.0.1:${port}/healthz`);
    expect(JSON.stringify(r)).not.toContain('p%40ss');
  });
});
