import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { sendHttp } from '../http-send.js';
import type { HttpRequest, Notifier } from '../notifier.js';
import { httpUrl } from './http-url.js';

const config = z
  .object({
    url: httpUrl('give the http(s) URL to POST to'),
    /** Signs each body, so the receiver can tell mcpwatch's requests from anyone else's. */
    secret: z.string().min(16, 'use a secret of at least 16 characters').optional(),
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type WebhookConfig = z.output<typeof config>;

/** The signature header: HMAC-SHA256 over `<timestamp>.<body>`, hex, as `sha256=<hex>`. */
export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * A generic JSON webhook: the notification as it is, signed when a secret is set. The timestamp is inside
 * the signed text, so a receiver that rejects old timestamps (5 minutes, say) also rejects replays; it is
 * taken when the request is sent, not rendered, so a retry an hour later is not refused as stale.
 */
export const webhook = {
  type: 'webhook',
  description:
    'POSTs the notification as JSON to any URL, signed with HMAC-SHA256 over the body and a timestamp.',
  config,
  render(n, c): HttpRequest {
    const body = JSON.stringify({
      version: 1,
      kind: n.kind,
      state: n.state,
      priority: n.priority,
      title: n.title,
      body: n.body,
      facts: n.facts,
      monitor: n.monitor,
      at: n.at,
      link: n.link ?? null,
      dedupKey: n.dedupKey,
      eventId: n.eventId,
    });
    return {
      method: 'POST',
      url: c.url,
      headers: {
        ...c.headers,
        'content-type': 'application/json',
        'user-agent': 'mcpwatch',
        ...(n.eventId !== null ? { 'x-mcpwatch-event-id': String(n.eventId) } : {}),
      },
      body,
    };
  },
  send(request, c, signal) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = {
      ...request.headers,
      'x-mcpwatch-timestamp': timestamp,
      ...(c.secret ? { 'x-mcpwatch-signature': sign(c.secret, timestamp, request.body) } : {}),
    };
    return sendHttp({ ...request, headers }, signal);
  },
} satisfies Notifier<WebhookConfig>;
