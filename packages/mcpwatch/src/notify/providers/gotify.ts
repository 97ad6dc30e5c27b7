/**
 * Gotify, the message API (the one the seed's notifier spoke).
 * Request: https://gotify.net/api-docs#/message/createMessage (POST /message, JSON `title`, `message`,
 * `priority` 0–10, `extras`; the application token in `X-Gotify-Key`); answers 200 with the stored message,
 * 400/401/403 with `{ error, errorCode, errorDescription }`; extras: https://gotify.net/docs/msgextras
 * (`client::display.contentType` text/plain, `client::notification.click.url`; extras need application/json).
 */
import { z } from 'zod';
import { sendHttp } from '../http-send.js';
import type { HttpRequest, Notification, Notifier, Priority } from '../notifier.js';
import { httpUrl } from './http-url.js';
import { cut, cutBytes } from './text.js';

const config = z
  .object({
    /** The Gotify server, with its path prefix when it sits behind one (https://example.com/gotify). */
    url: httpUrl('give the Gotify server URL, like https://gotify.example.com'),
    /** An application token (Apps → Create Application); clients' tokens cannot send. */
    token: z.string().min(1, 'give the Gotify application token'),
  })
  .strict();

export type GotifyConfig = z.output<typeof config>;

/**
 * Gotify documents no limit, but a MySQL-backed server keeps a message in a TEXT column (65,535 bytes):
 * staying under it keeps a long body from being refused on some servers and not others.
 */
const MESSAGE_BYTES = 60_000;
const TITLE_CHARS = 250;

/** Gotify's scale is ours (0–10); only values outside it, or fractional, are brought onto it. */
export function gotifyPriority(p: Priority): number {
  return Math.min(10, Math.max(0, Math.round(p)));
}

/** Gotify has no fields: facts follow the body as `Label: value` lines. */
function message(n: Notification): string {
  const facts = n.facts.map((f) => `${f.label}: ${f.value}`).join('\n');
  return cutBytes([n.body, facts].filter(Boolean).join('\n\n') || n.title, MESSAGE_BYTES);
}

/** Gotify: a message to an application, priority as it is, opening the monitor on click. */
export const gotify = {
  type: 'gotify',
  description: 'Sends a message to a Gotify server as an application.',
  config,
  render(n, c): HttpRequest {
    return {
      method: 'POST',
      url: `${c.url.replace(/\/+$/, '')}/message`,
      headers: { 'content-type': 'application/json', 'user-agent': 'mcpwatch' },
      body: JSON.stringify({
        title: cut(n.title, TITLE_CHARS),
        message: message(n),
        priority: gotifyPriority(n.priority),
        extras: {
          // Plain text, as Gotify advises for text from outside sources: Markdown would fetch remote images.
          'client::display': { contentType: 'text/plain' },
          ...(n.link ? { 'client::notification': { click: { url: n.link } } } : {}),
        },
      }),
    };
  },
  send(request, c, signal) {
    // The token goes in a header, not `?token=`, so it stays out of URLs and proxy logs; it joins at
    // sending, so a rendered request carries no secret.
    return sendHttp({ ...request, headers: { ...request.headers, 'x-gotify-key': c.token } }, signal);
  },
} satisfies Notifier<GotifyConfig>;
