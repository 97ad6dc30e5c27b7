/**
 * Microsoft Teams through a Workflows (Power Automate) webhook: the "Post to a channel when a webhook request
 * is received" template, which replaced Office 365 connectors.
 * Request: https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook
 * (POST `{ type: 'message', attachments: [Adaptive Card] }`, message size at most 28 KB); the flow answers
 * 202 Accepted (200 from some tenants); 429 with Retry-After when the flow is throttled.
 * Card: https://adaptivecards.io/explorer/ (TextBlock, FactSet, Action.OpenUrl; schema 1.4, the highest
 * Teams renders); text features: https://learn.microsoft.com/en-us/adaptive-cards/authoring-cards/text-features
 * (Markdown subset, `{{DATE()}}`/`{{TIME()}}` shown in the reader's locale).
 */
import { z } from 'zod';
import { sendHttp } from '../http-send.js';
import type { HttpRequest, Notification, Notifier } from '../notifier.js';
import { httpUrl } from './http-url.js';
import { markdownCut } from './text.js';

const config = z
  .object({
    /** The HTTP POST URL the Workflows template shows once the flow is saved; it carries its signature. */
    url: httpUrl('give the Teams Workflows webhook URL the flow shows when saved'),
  })
  .strict();

export type TeamsConfig = z.output<typeof config>;

/**
 * Teams refuses messages over 28 KB. These limits keep the worst case (three UTF-8 bytes a character, every
 * character escaped) well under it: 2 × (200 + 5000 + 10 × (80 + 300)) characters ≈ 18 KB of text.
 */
const TITLE_CHARS = 200;
const BODY_CHARS = 5000;
const FACTS = 10;
const FACT_TITLE_CHARS = 80;
const FACT_VALUE_CHARS = 300;
const CONTEXT_CHARS = 300;

/** The title's colour: attention opens an incident, warning a lesser one, good closes, default informs. */
export function teamsColor(n: Notification): 'attention' | 'warning' | 'good' | 'default' {
  if (n.state === 'resolved') return 'good';
  if (n.state === 'info') return 'default';
  return n.priority < 7 ? 'warning' : 'attention';
}

/** Adaptive Cards' date functions take RFC 3339 without fractions of a second. */
function when(at: string): string {
  const ms = Date.parse(at);
  if (!Number.isFinite(ms)) return markdownCut(at, 40);
  const iso = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}`;
}

function card(n: Notification): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: markdownCut(n.title, TITLE_CHARS),
      weight: 'bolder',
      size: 'medium',
      color: teamsColor(n),
      wrap: true,
    },
  ];
  if (n.body) body.push({ type: 'TextBlock', text: markdownCut(n.body, BODY_CHARS), wrap: true });
  const facts = n.facts.slice(0, FACTS).map((f) => ({
    title: markdownCut(f.label, FACT_TITLE_CHARS),
    value: markdownCut(f.value, FACT_VALUE_CHARS),
  }));
  if (facts.length > 0) body.push({ type: 'FactSet', facts });
  const monitor = n.monitor.group ? `${n.monitor.name} · ${n.monitor.group}` : n.monitor.name;
  body.push({
    type: 'TextBlock',
    text: `${markdownCut(monitor, CONTEXT_CHARS)} · ${when(n.at)}`,
    isSubtle: true,
    size: 'small',
    wrap: true,
  });
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    ...(n.link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in mcpwatch', url: n.link }] } : {}),
  };
}

/** Microsoft Teams Workflows webhook: an Adaptive Card with the title, body, facts and a link. */
export const teams = {
  type: 'teams',
  description: 'Posts an Adaptive Card to a Microsoft Teams channel or chat through a Workflows webhook.',
  config,
  render(n, c): HttpRequest {
    return {
      method: 'POST',
      url: c.url,
      headers: { 'content-type': 'application/json', 'user-agent': 'mcpwatch' },
      body: JSON.stringify({
        type: 'message',
        attachments: [
          { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card(n) },
        ],
      }),
    };
  },
  send(request, _c, signal) {
    // 202 and 200 are both 2xx; a deleted flow (404) or a revoked signature (401/403) is permanent.
    return sendHttp(request, signal);
  },
} satisfies Notifier<TeamsConfig>;
