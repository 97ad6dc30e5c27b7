/**
 * Telegram Bot API, sendMessage.
 * Request: https://core.telegram.org/bots/api#sendmessage (POST JSON `chat_id`, `text` of 1–4096 characters
 * after entities parsing, `parse_mode`, `link_preview_options`); HTML style and its escapes:
 * https://core.telegram.org/bots/api#html-style (`&lt;`, `&gt;`, `&amp;`, `&quot;`);
 * answers: https://core.telegram.org/bots/api#making-requests (`{ ok: true, result }`, or `{ ok: false,
 * error_code, description, parameters? }`) and https://core.telegram.org/bots/api#responseparameters
 * (`retry_after` seconds on flood control, `migrate_to_chat_id` when a group became a supergroup).
 */
import { z } from 'zod';
import { sendHttp } from '../http-send.js';
import type { Delivery, HttpRequest, Notification, Notifier } from '../notifier.js';
import { httpUrl } from './http-url.js';
import { answerOf, cut, escapeHtml, parseJson, retryAfterSeconds } from './text.js';

const config = z
  .object({
    /** From @BotFather: `<bot id>:<secret>`. It goes in the URL path, so it is kept out of every error. */
    botToken: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, 'give the bot token @BotFather gave, like 123456:ABC-DEF1234ghIkl'),
    /** A chat's numeric id (groups are negative) or a public channel's `@username`. */
    chatId: z.union([
      z.number().int(),
      z.string().regex(/^(-?\d+|@\w{4,})$/, 'give a numeric chat id or @channel'),
    ]),
    /** A local Bot API server, if one is used instead of Telegram's. */
    apiUrl: httpUrl('give the Bot API server URL, like https://api.telegram.org').default(
      'https://api.telegram.org',
    ),
  })
  .strict();

export type TelegramConfig = z.output<typeof config>;

/** Telegram's limit on a message's text, counted after entities parsing: what the reader sees. */
const TEXT_CHARS = 4096;
const TITLE_CHARS = 256;
const FACTS = 10;
const FACT_LABEL_CHARS = 64;
const FACT_VALUE_CHARS = 256;
const CONTEXT_CHARS = 300;
const LINK_LABEL = 'Open in mcpwatch';

function when(at: string): string {
  const ms = Date.parse(at);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC` : at;
}

/**
 * The message as HTML. Each part is cut as plain text, then escaped, so the 4096 limit is met on what the
 * reader sees; the body is the one part of unbounded length, so it gets what the others leave.
 */
export function telegramText(n: Notification): string {
  const title = cut(n.title, TITLE_CHARS);
  const facts = n.facts
    .slice(0, FACTS)
    .map((f) => ({ label: cut(f.label, FACT_LABEL_CHARS), value: cut(f.value, FACT_VALUE_CHARS) }));
  const context = cut(
    [n.monitor.name, ...(n.monitor.group ? [n.monitor.group] : []), when(n.at)].join(' · '),
    CONTEXT_CHARS,
  );
  const factsShown = facts.map((f) => `${f.label}: ${f.value}`).join('\n');
  const fixed = [title, factsShown, n.link ? `${context}\n${LINK_LABEL}` : context].filter(Boolean);
  const separators = 2 * fixed.length;
  const budget = TEXT_CHARS - fixed.reduce((sum, part) => sum + part.length, 0) - separators;
  const body = n.body && budget > 1 ? cut(n.body, budget) : '';

  const parts = [`<b>${escapeHtml(title)}</b>`];
  if (body) parts.push(escapeHtml(body));
  if (facts.length > 0) {
    parts.push(facts.map((f) => `<b>${escapeHtml(f.label)}:</b> ${escapeHtml(f.value)}`).join('\n'));
  }
  const link = n.link ? `\n<a href="${escapeHtml(n.link)}">${LINK_LABEL}</a>` : '';
  parts.push(`<i>${escapeHtml(context)}</i>${link}`);
  return parts.join('\n\n');
}

/** The bot token never leaves in an error or an answer, whatever a proxy or fetch put there. */
function scrub(delivery: Delivery, token: string): Delivery {
  const hide = (text: string) => text.replaceAll(token, '<bot token>');
  if (delivery.ok) return delivery.response ? { ...delivery, response: hide(delivery.response) } : delivery;
  return { ...delivery, error: hide(delivery.error) };
}

interface TelegramError {
  description?: string;
  parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown };
}

/** Telegram bot: an HTML message to a chat, group or channel, link previews off. */
export const telegram = {
  type: 'telegram',
  description: 'Sends a message to a Telegram chat, group or channel through a bot (Bot API sendMessage).',
  config,
  render(n, c): HttpRequest {
    return {
      method: 'POST',
      url: `${c.apiUrl.replace(/\/+$/, '')}/bot${c.botToken}/sendMessage`,
      headers: { 'content-type': 'application/json', 'user-agent': 'mcpwatch' },
      body: JSON.stringify({
        chat_id: c.chatId,
        text: telegramText(n),
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      }),
    };
  },
  async send(request, c, signal) {
    const delivery = scrub(await sendHttp(request, signal), c.botToken);
    if (delivery.ok) return delivery;
    const answer = parseJson(answerOf(delivery)) as TelegramError | undefined;
    // Flood control names its pause in the body; it is the one Telegram documents, so it wins.
    const retryAfterMs = retryAfterSeconds(answer?.parameters?.retry_after) ?? delivery.retryAfterMs;
    const moved = answer?.parameters?.migrate_to_chat_id;
    return {
      ...delivery,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(moved !== undefined
        ? { permanent: true, error: `the group became a supergroup: set chatId to ${String(moved)}` }
        : {}),
    };
  },
} satisfies Notifier<TelegramConfig>;
