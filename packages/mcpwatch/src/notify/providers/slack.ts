/**
 * Slack incoming webhooks.
 * Request: https://api.slack.com/messaging/webhooks (POST JSON `text` + Block Kit `blocks`);
 * block limits: https://api.slack.com/reference/block-kit/blocks (header 150, section text 3000, 10 fields
 * of 2000); escaping: https://api.slack.com/reference/surfaces/formatting#escaping;
 * answers: https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks (200 `ok`;
 * 400 invalid_payload, 403 action_prohibited, 404 channel_not_found / no_service, 410 channel_is_archived,
 * 429 with Retry-After, 500 rollup_error).
 */
import { z } from 'zod';
import { sendHttp } from '../http-send.js';
import type { HttpRequest, Notification, Notifier } from '../notifier.js';
import { httpUrl } from './http-url.js';
import { cut, escapeCut, escapeSlack, escapeSlackChar } from './text.js';

const config = z
  .object({
    /** The hooks.slack.com URL Slack gives when the webhook is added to a channel; it is the secret. */
    url: httpUrl('give the Slack incoming webhook URL (https://hooks.slack.com/…)'),
  })
  .strict();

export type SlackConfig = z.output<typeof config>;

/** Slack's documented limits (Block Kit reference). */
const HEADER_CHARS = 150;
const SECTION_CHARS = 3000;
const FIELDS = 10;
const FIELD_CHARS = 2000;
const URL_CHARS = 3000;
/** Slack truncates `text` past 40,000 characters and advises far less: it is only the notification preview. */
const FALLBACK_CHARS = 3000;

/**
 * Every mrkdwn object is `verbatim`: Slack then does not turn names in the text into links or mentions, so a
 * server called `@channel` or `#general` pings no one. `&`, `<` and `>` are escaped, so none can open a link.
 */
function mrkdwn(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** Slack renders `<!date^…>` in each reader's time zone, falling back to the ISO text after the `|`. */
function when(at: string): string {
  const ms = Date.parse(at);
  if (!Number.isFinite(ms)) return escapeSlack(at);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${escapeSlack(at)}>`;
}

function blocks(n: Notification): unknown[] {
  const out: unknown[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: cut(n.title || 'mcpwatch', HEADER_CHARS), emoji: true },
    },
  ];
  if (n.body) out.push({ type: 'section', text: mrkdwn(escapeCut(n.body, SECTION_CHARS, escapeSlackChar)) });
  const facts = n.facts.slice(0, FIELDS);
  if (facts.length > 0) {
    out.push({
      type: 'section',
      fields: facts.map((f) => {
        const label = escapeCut(f.label, 200, escapeSlackChar);
        // An empty field is refused as invalid_blocks; a dash keeps the label readable.
        const value = escapeCut(f.value || '-', FIELD_CHARS - label.length - 3, escapeSlackChar);
        return mrkdwn(`*${label}*\n${value}`);
      }),
    });
  }
  const context = [`Monitor *${escapeCut(n.monitor.name, 500, escapeSlackChar)}*`];
  if (n.monitor.group) context.push(`group *${escapeCut(n.monitor.group, 500, escapeSlackChar)}*`);
  context.push(when(n.at));
  out.push({ type: 'context', elements: [mrkdwn(context.join(' · '))] });
  if (n.link && n.link.length <= URL_CHARS) {
    out.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open in mcpwatch' },
          url: n.link,
          action_id: 'mcpwatch-open',
        },
      ],
    });
  }
  return out;
}

/** Slack incoming webhook: a Block Kit message with a plain fallback line for notifications. */
export const slack = {
  type: 'slack',
  description: 'Posts a Block Kit message to a Slack channel through an incoming webhook.',
  config,
  render(n, c): HttpRequest {
    return {
      method: 'POST',
      url: c.url,
      headers: { 'content-type': 'application/json', 'user-agent': 'mcpwatch' },
      body: JSON.stringify({
        text: escapeCut(n.body ? `${n.title}\n${n.body}` : n.title, FALLBACK_CHARS, escapeSlackChar),
        blocks: blocks(n),
      }),
    };
  },
  send(request, _c, signal) {
    // Slack's answers map onto sendHttp's classes as they are: 4xx refusals permanent, 429 and 5xx retried.
    return sendHttp(request, signal);
  },
} satisfies Notifier<SlackConfig>;
