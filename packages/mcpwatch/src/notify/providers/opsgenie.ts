// Follows Opsgenie's Alert API: https://docs.opsgenie.com/docs/alert-api (Create Alert, Close Alert with
// identifierType=alias, the field limits) and https://docs.opsgenie.com/docs/api-overview (GenieKey
// authorization, the EU endpoint api.eu.opsgenie.com, 202 answers processed asynchronously, 429 when
// throttled). An API integration's key is needed: account-level keys cannot create or close alerts.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { sendHttp } from '../http-send.js';
import type { HttpRequest, Notification, Notifier } from '../notifier.js';
import { httpUrl } from './http-url.js';

const config = z
  .object({
    apiKey: z
      .string()
      .min(1, 'give the API key of an Opsgenie API integration (as ${OPSGENIE_API_KEY})')
      .describe('The API key of an API integration (a team or global one), not an account key.'),
    region: z
      .enum(['us', 'eu'], { error: 'give region us or eu' })
      .default('us')
      .describe('Where the Opsgenie account lives: us (api.opsgenie.com) or eu (api.eu.opsgenie.com).'),
    url: httpUrl('give the http(s) base URL of the Opsgenie API')
      .optional()
      .describe('The API base URL; overrides region (a proxy or a test server).'),
  })
  .strict();

export type OpsgenieConfig = z.output<typeof config>;

/** The Alert API's documented limits; longer values are refused (422) or cut by Opsgenie itself. */
export const LIMITS = {
  message: 130,
  alias: 512,
  description: 15_000,
  entity: 512,
  tags: 20,
  tag: 50,
  detailsTotal: 8000,
  note: 25_000,
} as const;

const REGION_URLS = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;

export type OpsgeniePriority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';

/** mcpwatch's 1–10 onto P1–P5: a failed check (9) is P1, a slow one (7) P2, a release (4) P4. */
export function priorityOf(priority: number): OpsgeniePriority {
  if (priority >= 9) return 'P1';
  if (priority >= 7) return 'P2';
  if (priority >= 5) return 'P3';
  if (priority >= 3) return 'P4';
  return 'P5';
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The alias ties the create to the close, so an over-long one is shortened the same way every time
 * (a prefix and a hash) rather than cut, which could merge two incidents.
 */
export function aliasOf(key: string): string {
  if (key.length <= LIMITS.alias) return key;
  const hash = createHash('sha256').update(key).digest('hex');
  return `${key.slice(0, LIMITS.alias - hash.length - 1)}-${hash}`;
}

/** Facts as the alert's extra properties, stopping before the documented 8,000 characters in all. */
function details(n: Notification): Record<string, string> {
  const out: Record<string, string> = {};
  let size = 0;
  const entries = [...n.facts.map((f) => [f.label, f.value] as const), ['Target', n.monitor.target] as const];
  if (n.link) entries.push(['Link', n.link]);
  for (const [key, value] of entries) {
    size += key.length + value.length;
    if (size > LIMITS.detailsTotal) break;
    out[key] = value;
  }
  return out;
}

/** Opsgenie tags: the monitor's own, its group, the event kind; at most 20, each at most 50 characters. */
function tags(n: Notification): string[] {
  const all = ['mcpwatch', n.kind, ...(n.monitor.group ? [n.monitor.group] : []), ...n.monitor.tags];
  return [...new Set(all.map((t) => cut(t, LIMITS.tag)))].slice(0, LIMITS.tags);
}

/**
 * Opsgenie: an incident's first notification creates an alert whose alias is the incident's dedupKey;
 * reminders create it again, which Opsgenie counts on the open alert rather than opening a second; the
 * recovery closes it by alias. Informational notifications are alerts too (Opsgenie has no other kind),
 * at the priority their loudness maps to, so a route can leave them out or a policy can auto-close P5s.
 */
export const opsgenie = {
  type: 'opsgenie',
  description: 'Creates Opsgenie alerts (Alert API, US or EU) and closes them when the incident resolves.',
  config,
  render(n, c): HttpRequest {
    const base = (c.url ?? REGION_URLS[c.region]).replace(/\/+$/, '');
    const headers = {
      authorization: `GenieKey ${c.apiKey}`,
      'content-type': 'application/json',
      'user-agent': 'mcpwatch',
    };
    const alias = aliasOf(n.dedupKey);
    if (n.state === 'resolved') {
      return {
        method: 'POST',
        url: `${base}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
        headers,
        body: JSON.stringify({ source: 'mcpwatch', note: cut(`${n.title}\n\n${n.body}`, LIMITS.note) }),
      };
    }
    const link = n.link ? `\n\n${n.link}` : '';
    return {
      method: 'POST',
      url: `${base}/v2/alerts`,
      headers,
      body: JSON.stringify({
        message: cut(n.title, LIMITS.message),
        alias,
        // The link is kept whole: the body is cut to make room for it.
        description: `${cut(n.body, LIMITS.description - link.length)}${link}`,
        priority: priorityOf(n.priority),
        tags: tags(n),
        details: details(n),
        source: 'mcpwatch',
        entity: cut(n.monitor.name, LIMITS.entity),
      }),
    };
  },
  send(request, _c, signal) {
    return sendHttp(request, signal);
  },
} satisfies Notifier<OpsgenieConfig, HttpRequest>;
