// Follows PagerDuty's Events API v2: https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
// (alert events on /v2/enqueue), https://developer.pagerduty.com/docs/events-api-v2/send-change-events/
// (change events on /v2/change/enqueue) and the overview's "Response Codes & Retry Logic" table:
// 202 accepted, 400 never retried, 429 and 5xx retried "after some time".
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { sendHttp } from '../http-send.js';
import type { HttpRequest, Notification, Notifier } from '../notifier.js';
import { httpUrl } from './http-url.js';

const config = z
  .object({
    routingKey: z
      .string()
      .min(1, 'give the integration key of an Events API v2 integration (as ${PD_ROUTING_KEY})')
      .describe('The Integration Key of an Events API v2 integration on a service (or a ruleset).'),
    url: httpUrl('give the http(s) base URL of the Events API')
      .default('https://events.pagerduty.com')
      .describe('The Events API base URL; change it only for a proxy or a test server.'),
  })
  .strict();

export type PagerDutyConfig = z.output<typeof config>;

/** The documented limits: longer fields are refused with a 400, which is never retried. */
const SUMMARY_CHARS = 1024;
const DEDUP_KEY_CHARS = 255;
/**
 * PagerDuty asks for "a backoff of a few minutes" after a 429 and sends no Retry-After, so without one
 * the next attempt waits this long rather than the outbox's first short step.
 */
export const RATE_LIMIT_BACKOFF_MS = 120_000;

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

/** mcpwatch's 1–10 onto PagerDuty's four: 9 (a failed check) pages as critical, 7 (slow) as error. */
export function severityOf(priority: number): PagerDutySeverity {
  if (priority >= 9) return 'critical';
  if (priority >= 7) return 'error';
  if (priority >= 4) return 'warning';
  return 'info';
}

/**
 * PagerDuty correlates a resolve with its trigger by dedup_key alone, so an over-long key is shortened the
 * same way every time (a prefix and a hash), never cut: two incidents sharing a prefix stay two alerts.
 */
export function dedupKeyOf(key: string): string {
  if (key.length <= DEDUP_KEY_CHARS) return key;
  const hash = createHash('sha256').update(key).digest('hex');
  return `${key.slice(0, DEDUP_KEY_CHARS - hash.length - 1)}-${hash}`;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Facts as an object for custom_details; the body goes first under `message`, where responders look. */
function details(n: Notification): Record<string, string> {
  const out: Record<string, string> = { message: n.body };
  for (const fact of n.facts) out[fact.label] = fact.value;
  return out;
}

function links(n: Notification): { href: string; text: string }[] {
  return n.link ? [{ href: n.link, text: `${n.monitor.name} in mcpwatch` }] : [];
}

/**
 * Change events cannot be sent to a ruleset's key (those begin with `R`, says the Events API overview),
 * so on such a key an informational notification becomes an info-severity alert instead.
 */
function takesChangeEvents(routingKey: string): boolean {
  return !routingKey.startsWith('R');
}

function post(url: string, body: unknown): HttpRequest {
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', 'user-agent': 'mcpwatch' },
    body: JSON.stringify(body),
  };
}

/**
 * PagerDuty: an incident's first notification triggers an alert, reminders re-trigger the same one (same
 * dedup_key, so PagerDuty adds a log entry rather than a new alert), and the recovery resolves it. An
 * informational notification (a release, a changed tool list, a test) pages nobody: it is sent as a change
 * event, which PagerDuty shows beside the service's incidents as context.
 */
export const pagerduty = {
  type: 'pagerduty',
  description:
    'Triggers and resolves PagerDuty alerts (Events API v2); informational events become change events.',
  config,
  render(n, c): HttpRequest {
    const base = c.url.replace(/\/+$/, '');
    const summary = cut(n.title, SUMMARY_CHARS);
    const source = n.monitor.target || n.monitor.name;
    if (n.state === 'resolved') {
      return post(`${base}/v2/enqueue`, {
        routing_key: c.routingKey,
        event_action: 'resolve',
        dedup_key: dedupKeyOf(n.dedupKey),
      });
    }
    if (n.state === 'info' && takesChangeEvents(c.routingKey)) {
      return post(`${base}/v2/change/enqueue`, {
        routing_key: c.routingKey,
        payload: { summary, source, timestamp: n.at, custom_details: details(n) },
        links: links(n),
      });
    }
    return post(`${base}/v2/enqueue`, {
      routing_key: c.routingKey,
      event_action: 'trigger',
      dedup_key: dedupKeyOf(n.dedupKey),
      payload: {
        summary,
        source,
        severity: n.state === 'info' ? 'info' : severityOf(n.priority),
        timestamp: n.at,
        component: n.monitor.name,
        ...(n.monitor.group ? { group: n.monitor.group } : {}),
        class: n.kind,
        custom_details: details(n),
      },
      links: links(n),
      client: 'mcpwatch',
      ...(n.link ? { client_url: n.link } : {}),
    });
  },
  async send(request, _c, signal) {
    const delivery = await sendHttp(request, signal);
    if (!delivery.ok && delivery.status === 429 && delivery.retryAfterMs === undefined) {
      return { ...delivery, retryAfterMs: RATE_LIMIT_BACKOFF_MS };
    }
    return delivery;
  },
} satisfies Notifier<PagerDutyConfig, HttpRequest>;
