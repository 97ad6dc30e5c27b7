import type { Delivery } from '../notifier.js';

/**
 * Text shaping every chat provider needs: cutting to a provider's limit without splitting a character or an
 * escape, and escaping each provider's control characters so a server name cannot format, link or mention.
 */

/** Marks text that was cut, so a reader knows there was more. */
const ELLIPSIS = '…';

/** Retry pauses named in an answer body are capped like Retry-After headers (see http-send.ts). */
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * At most `max` UTF-16 code units (what JavaScript's length and most APIs count), cut on a code point
 * boundary and ended with an ellipsis when anything was dropped.
 */
export function cut(text: string, max: number): string {
  return escapeCut(text, max, (ch) => ch);
}

/**
 * Escapes `text` character by character and stops before the escaped result passes `max` code units, so a
 * limit counted on the escaped text is met and no escape (`&amp;`, `\*`) is ever split in two.
 */
export function escapeCut(text: string, max: number, escapeChar: (ch: string) => string): string {
  const whole = Array.from(text, escapeChar);
  const total = whole.reduce((n, piece) => n + piece.length, 0);
  if (total <= max) return whole.join('');
  let out = '';
  for (const piece of whole) {
    if (out.length + piece.length > max - ELLIPSIS.length) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

/** At most `max` bytes of UTF-8, for APIs that count bytes (ntfy), cut on a code point boundary. */
export function cutBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  const budget = max - Buffer.byteLength(ELLIPSIS, 'utf8');
  let out = '';
  let size = 0;
  for (const ch of text) {
    const bytes = Buffer.byteLength(ch, 'utf8');
    if (size + bytes > budget) break;
    out += ch;
    size += bytes;
  }
  return out + ELLIPSIS;
}

/** Slack's control characters, the three it asks senders to escape in text objects. */
export function escapeSlackChar(ch: string): string {
  return ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch;
}

export function escapeSlack(text: string): string {
  return text.replace(/[&<>]/g, escapeSlackChar);
}

/** Telegram's HTML parse mode: `&`, `<` and `>` everywhere, and `"` inside attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (ch) =>
    ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&quot;',
  );
}

/**
 * Backslash-escapes the characters that start Markdown formatting in Discord and in Teams' Adaptive Cards:
 * emphasis, code, strike, spoilers, links, mentions (`<@id>`), headings and quotes. A line that starts like a
 * list item (`- `, `+ `, `1. `) is escaped too, so text renders as it was written.
 */
export function escapeMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/[\\*_`~|[\]<>#]/g, '\\$&')
        .replace(/^(\s*)([-+])(?=\s)/, '$1\\$2')
        .replace(/^(\s*)(\d+)\.(?=\s)/, '$1$2\\.'),
    )
    .join('\n');
}

/**
 * Markdown-escaped text of at most `max` code units: escaped first (the limit counts the backslashes), then
 * cut so no lone backslash is left to escape the ellipsis.
 */
export function markdownCut(text: string, max: number): string {
  const escaped = escapeMarkdown(text);
  if (escaped.length <= max) return escaped;
  let kept = cut(escaped, max).slice(0, -ELLIPSIS.length);
  if (/(?:^|[^\\])(?:\\\\)*\\$/.test(kept)) kept = kept.slice(0, -1);
  return kept + ELLIPSIS;
}

/**
 * A pause an API names in its body (Discord's `retry_after`, Telegram's `parameters.retry_after`), in
 * seconds, possibly fractional, as milliseconds capped like Retry-After; undefined if it is not a number.
 */
export function retryAfterSeconds(seconds: unknown): number | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(Math.ceil(seconds * 1000), MAX_RETRY_AFTER_MS);
}

/**
 * The provider's answer inside a failed delivery from sendHttp (`HTTP 429: <answer>`), for providers that
 * put what to do in the body (how long to wait, which chat moved).
 */
export function answerOf(delivery: Delivery): string | undefined {
  if (delivery.ok || delivery.status === undefined) return undefined;
  const prefix = `HTTP ${delivery.status}: `;
  return delivery.error.startsWith(prefix) ? delivery.error.slice(prefix.length) : undefined;
}

/** An answer body parsed as JSON, or undefined when it is not JSON (a proxy's HTML page, say). */
export function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
