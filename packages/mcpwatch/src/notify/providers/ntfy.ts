/**
 * ntfy, publishing as JSON.
 * Request: https://docs.ntfy.sh/publish/#publish-as-json (POST to the server's root URL with `topic`, `title`,
 * `message`, `priority` 1–5, `tags`, `click`); authentication:
 * https://docs.ntfy.sh/publish/#authentication (`Authorization: Bearer <token>` or Basic);
 * limits: https://docs.ntfy.sh/publish/#limitations (messages up to 4,096 bytes; requests refill at one per
 * 5 seconds once a visitor's burst is spent, answered 429 without Retry-After); tags and their emoji:
 * https://docs.ntfy.sh/publish/#tags-emojis. Topic names: https://docs.ntfy.sh/publish/ (1–64 of
 * `A-Za-z0-9_-`).
 */
import { z } from 'zod';
import { sendHttp } from '../http-send.js';
import type { HttpRequest, Notification, Notifier, Priority } from '../notifier.js';
import { httpUrl } from './http-url.js';
import { cut, cutBytes } from './text.js';

const config = z
  .object({
    /** The ntfy server; its root takes JSON publishes. */
    url: httpUrl('give the ntfy server URL, like https://ntfy.sh').default('https://ntfy.sh'),
    /** Anyone who knows a topic on a public server can read it: pick one that cannot be guessed. */
    topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, 'a topic is 1 to 64 letters, digits, - or _'),
    /** An access token (tk_…), sent as a Bearer token. */
    token: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => !(c.username && !c.password) && !(c.password && !c.username), {
    message: 'give both username and password, or neither',
  })
  .refine((c) => !(c.token && c.username), { message: 'give a token or a username and password, not both' });

export type NtfyConfig = z.output<typeof config>;

/** ntfy's documented message limit, in bytes; past it a server turns the message into an attachment or refuses it. */
const MESSAGE_BYTES = 4096;
const TITLE_CHARS = 256;
const TAGS = 10;
const TAG_CHARS = 64;
/** A 429 names no pause; ntfy refills one request every 5 seconds, so sooner than that cannot succeed. */
const RATE_LIMIT_MS = 5000;

/** Our 1–10 onto ntfy's 1 (min) to 5 (max, urgent): a failed check (9) rings through, a release (4) is low. */
export function ntfyPriority(p: Priority): 1 | 2 | 3 | 4 | 5 {
  if (p >= 9) return 5;
  if (p >= 7) return 4;
  if (p >= 5) return 3;
  if (p >= 3) return 2;
  return 1;
}

/** The first tag is an emoji shortcode that ntfy shows before the title; the monitor's tags follow as words. */
function tags(n: Notification): string[] {
  const emoji =
    n.state === 'resolved'
      ? 'white_check_mark'
      : n.state === 'info'
        ? 'information_source'
        : 'rotating_light';
  return [emoji, ...n.monitor.tags.slice(0, TAGS).map((t) => cut(t, TAG_CHARS))];
}

/** ntfy has no fields: facts follow the body as `Label: value` lines. Plain text, never Markdown. */
function message(n: Notification): string {
  const facts = n.facts.map((f) => `${f.label}: ${f.value}`).join('\n');
  return cutBytes([n.body, facts].filter(Boolean).join('\n\n') || n.title, MESSAGE_BYTES);
}

/** ntfy: a push notification to a topic, priority mapped to ntfy's five levels, tagged with an emoji. */
export const ntfy = {
  type: 'ntfy',
  description: 'Publishes a push notification to an ntfy topic (ntfy.sh or a self-hosted server).',
  config,
  render(n, c): HttpRequest {
    return {
      method: 'POST',
      url: c.url.endsWith('/') ? c.url : `${c.url}/`,
      headers: { 'content-type': 'application/json', 'user-agent': 'mcpwatch' },
      body: JSON.stringify({
        topic: c.topic,
        title: cut(n.title, TITLE_CHARS),
        message: message(n),
        priority: ntfyPriority(n.priority),
        tags: tags(n),
        ...(n.link ? { click: n.link } : {}),
      }),
    };
  },
  async send(request, c, signal) {
    // Credentials join at sending, so a rendered request (shown in previews and tests) carries none.
    const auth = c.token
      ? `Bearer ${c.token}`
      : c.username
        ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`
        : undefined;
    const delivery = await sendHttp(
      auth ? { ...request, headers: { ...request.headers, authorization: auth } } : request,
      signal,
    );
    if (delivery.ok || delivery.status !== 429 || delivery.retryAfterMs !== undefined) return delivery;
    return { ...delivery, retryAfterMs: RATE_LIMIT_MS };
  },
} satisfies Notifier<NtfyConfig>;
