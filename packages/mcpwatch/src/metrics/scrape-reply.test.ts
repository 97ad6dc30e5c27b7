import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../test-fixtures/until.js';
import { sendExposition } from './scrape-reply.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('sendExposition', () => {
  it('ends a streamed page its scraper stopped reading once the deadline passes', async () => {
    const render = { chunks: 0, ended: false };
    async function* endless(): AsyncGenerator<Buffer> {
      try {
        for (;;) {
          render.chunks++;
          yield Buffer.alloc(65_536, 'x');
        }
      } finally {
        render.ended = true;
      }
    }
    app = Fastify({ forceCloseConnections: true });
    app.get('/metrics', (request, reply) =>
      sendExposition(request, reply, endless(), 'prometheus', { deadlineMs: 300 }),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const request = http.get(`http://127.0.0.1:${port}/metrics`, (res) => {
      // Never read: back-pressure alone would hold the render open for as long as the connection lives.
      res.pause();
    });
    request.on('error', () => {
      // The cut connection: expected.
    });
    await until(
      'the render ended by the deadline',
      () => render.ended,
      (ended) => ended,
    );
    request.destroy();
    // Back-pressure held it to a few chunks before the deadline cut it.
    expect(render.chunks).toBeLessThan(200);
  });
});
