/**
 * Issue 4, "Delivery": a notification is written with its event, so a service killed with SIGKILL before
 * the channel could take it sends it after the restart, once; one killed while the channel was taking it
 * sends it again at once, under the same event id, so the receiver can tell the copy.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Api, assertBuilt, killAll, refusedPort, serve, waitFor } from './serve-process.js';

let dir: string;

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-notify-faults-'));
});

afterEach(async () => {
  await killAll();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('notifications across a SIGKILL', () => {
  it('are delivered after the restart, exactly once, when the channel was down before the kill', async () => {
    // The channel's port refuses connections until the receiver starts listening on it.
    const hookPort = await refusedPort();
    const closedPort = await refusedPort();
    const config = path.join(dir, 'mcpwatch.yaml');
    await writeFile(
      config,
      [
        'channels:',
        `  hook: { type: webhook, url: "http://127.0.0.1:${hookPort}/hook" }`,
        'routes:',
        '  - { channels: [hook] }',
        'monitors:',
        `  - { kind: tcp, name: refused, target: "127.0.0.1:${closedPort}", intervalSec: 1, consecutiveFails: 1 }`,
        '',
      ].join('\n'),
    );
    const flags = ['--data', path.join(dir, 'data'), '--config', config];

    const first = serve(flags);
    let api = await Api.login(await first.url());
    type Delivery = { status: string; attempts: number; event: { kind: string } };
    const deliveries = async () =>
      (await api.get<{ deliveries: Delivery[] }>('/api/v1/deliveries?channel=hook')).deliveries;
    await waitFor('a failed attempt to reach the channel', async () => {
      const list = await deliveries();
      return list.some((d) => d.event.kind === 'down' && d.status === 'pending' && d.attempts > 0);
    });
    expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');

    const received: { kind: string; dedupKey: string }[] = [];
    const receiver = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(hookPort, '127.0.0.1', resolve));
    try {
      const second = serve(flags);
      api = await Api.login(await second.url());
      // The retry falls due within the first backoff (30 s) and is taken by the new process.
      await waitFor(
        'the down message after the restart',
        async () => received.some((r) => r.kind === 'down'),
        60_000,
      );
      const list = await deliveries();
      expect(list.filter((d) => d.event.kind === 'down').map((d) => d.status)).toEqual(['sent']);
      expect(received.filter((r) => r.kind === 'down')).toHaveLength(1);
      expect((await second.kill('SIGTERM')).code).toBe(0);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 120_000);

  it('resends a message cut off by the kill as soon as the service is back, with the same event id', async () => {
    const closedPort = await refusedPort();
    const requests: { eventId: string | undefined; kind: string }[] = [];
    let answer = false;
    // The first request is taken and never answered: the kill comes while it is in flight.
    const receiver = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        requests.push({
          eventId: request.headers['x-mcpwatch-event-id'] as string | undefined,
          kind: JSON.parse(body).kind,
        });
        if (answer) response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hookPort = (receiver.address() as import('node:net').AddressInfo).port;
    const config = path.join(dir, 'in-flight.yaml');
    await writeFile(
      config,
      [
        'channels:',
        `  hook: { type: webhook, url: "http://127.0.0.1:${hookPort}/hook" }`,
        'monitors:',
        `  - { kind: tcp, name: refused, target: "127.0.0.1:${closedPort}", intervalSec: 1, consecutiveFails: 1, notify: [hook] }`,
        '',
      ].join('\n'),
    );
    const flags = ['--data', path.join(dir, 'in-flight'), '--config', config];
    try {
      const first = serve(flags);
      await first.url();
      await waitFor('the down message in flight', async () => requests.some((r) => r.kind === 'down'));
      expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');
      answer = true;

      const second = serve(flags);
      const api = await Api.login(await second.url());
      // Well within the 60 s lease a claim would otherwise wait out: the restart gave its own claims back.
      await waitFor(
        'the cut-off message sent again',
        async () => requests.filter((r) => r.kind === 'down').length >= 2,
        30_000,
      );
      const downs = requests.filter((r) => r.kind === 'down');
      expect(downs).toHaveLength(2);
      expect(downs[0]?.eventId).toMatch(/^\d+$/);
      expect(downs[1]?.eventId).toBe(downs[0]?.eventId);
      type Delivery = { status: string; event: { kind: string } };
      const list = (await api.get<{ deliveries: Delivery[] }>('/api/v1/deliveries?channel=hook')).deliveries;
      await waitFor('the row marked sent', async () => {
        const rows = (await api.get<{ deliveries: Delivery[] }>('/api/v1/deliveries?channel=hook'))
          .deliveries;
        return rows.filter((d) => d.event.kind === 'down').every((d) => d.status === 'sent');
      });
      expect(list.filter((d) => d.event.kind === 'down')).toHaveLength(1);
      expect((await second.kill('SIGTERM')).code).toBe(0);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 120_000);
});
