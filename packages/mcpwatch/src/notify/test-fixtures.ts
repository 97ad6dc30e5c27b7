import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Notification } from './notifier.js';

/** A notification as message.ts builds one for a monitor going down: the shape every provider test sends. */
export function downNotification(overrides: Partial<Notification> = {}): Notification {
  return {
    kind: 'down',
    state: 'firing',
    priority: 9,
    title: 'docs-search is down',
    body: 'server/discover got HTTP 503 (phase handshake, reason http_status)\nDown for 3 minutes.',
    facts: [
      { label: 'Reason', value: 'http_status' },
      { label: 'Phase', value: 'handshake' },
    ],
    monitor: {
      id: 7,
      name: 'docs-search',
      group: 'prod',
      tags: ['mcp'],
      target: 'https://mcp.example.com/mcp',
    },
    at: '2026-11-22T10:00:00.000Z',
    link: 'https://mcpwatch.example.com/monitors/7',
    dedupKey: 'mcpwatch-7-incident-3',
    eventId: 41,
    ...overrides,
  };
}

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A loopback stand-in for a provider's API: records each request and answers with what `respond` says,
 * so a test can check the request the way the provider documents it and play the provider's answers
 * (rate limits included).
 */
export async function providerServer(
  respond: (request: Received) => { status: number; headers?: Record<string, string>; body?: string },
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const answer = respond(request);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
