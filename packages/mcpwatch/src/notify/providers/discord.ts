/**
 * Discord webhooks.
 * Request: https://discord.com/developers/docs/resources/webhook#execute-webhook (POST JSON; `?wait=true`
 * makes Discord answer 200 with the message instead of 204; `allowed_mentions`);
 * embed limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits (title 256,
 * description 4096, 25 fields of 256/1024, footer 2048, 6000 characters in all);
 * rate limits: https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit (429 with
 * Retry-After and a JSON body `{ message, retry_after (seconds, float), global }`).
 */
import { z } from 'zod';
import { sendHttp } from '../http-send.js';
import type { HttpRequest, Notification, Notifier } from '../notifier.js';
import { httpUrl } from './http-url.js';
import { answerOf, cut, markdownCut, parseJson, retryAfterSeconds } from './text.js';

const config = z
  .object({
    /** The webhook URL from the channel's Integrations settings (https://discord.com/api/webhooks/<id>/<token>). */
    url: httpUrl('give the Discord webhook URL (https://discord.com/api/webhooks/…)'),
    /** Overrides the webhook's name; Discord refuses names containing "discord" or "clyde". */
    username: z
      .string()
      .min(1)
      .max(80, 'a Discord webhook name has at most 80 characters')
      .refine(
        (name) => !/discord|clyde/i.test(name),
        'Discord refuses webhook names containing "discord" or "clyde"',
      )
      .optional(),
  })
  .strict();

export type DiscordConfig = z.output<typeof config>;

/** Discord's documented embed limits. */
const TITLE_CHARS = 256;
const DESCRIPTION_CHARS = 4096;
const FIELDS = 25;
const FIELD_NAME_CHARS = 256;
const FIELD_VALUE_CHARS = 1024;
const FOOTER_CHARS = 256;
const EMBED_CHARS = 6000;

/** Embed side colours: red opens an incident, orange a lesser one (a slow check), green closes, blue informs. */
export const DISCORD_COLORS = { red: 0xed4245, orange: 0xe67e22, green: 0x57f287, blue: 0x3498db } as const;

export function discordColor(n: Notification): number {
  if (n.state === 'resolved') return DISCORD_COLORS.green;
  if (n.state === 'info') return DISCORD_COLORS.blue;
  return n.priority < 7 ? DISCORD_COLORS.orange : DISCORD_COLORS.red;
}

function embed(n: Notification): Record<string, unknown> {
  const title = markdownCut(n.title, TITLE_CHARS);
  const footer = cut(
    n.monitor.group ? `${n.monitor.name} · ${n.monitor.group}` : n.monitor.name,
    FOOTER_CHARS,
  );
  // The 6000-character total counts title, description, fields and footer: the body is the message, so it
  // is kept first and fields are added while they fit.
  let left = EMBED_CHARS - title.length - footer.length;
  const description = markdownCut(n.body, Math.min(DESCRIPTION_CHARS, left));
  left -= description.length;
  const fields: { name: string; value: string; inline: boolean }[] = [];
  for (const fact of n.facts.slice(0, FIELDS)) {
    const name = markdownCut(fact.label || '-', FIELD_NAME_CHARS);
    if (left - name.length < 2) break;
    // Discord refuses an empty field value; a dash keeps the label readable.
    const value = markdownCut(fact.value || '-', Math.min(FIELD_VALUE_CHARS, left - name.length));
    fields.push({ name, value, inline: true });
    left -= name.length + value.length;
  }
  return {
    title,
    ...(description ? { description } : {}),
    ...(n.link ? { url: n.link } : {}),
    color: discordColor(n),
    ...(fields.length > 0 ? { fields } : {}),
    footer: { text: footer },
    timestamp: n.at,
  };
}

/** Discord webhook: one embed coloured by state, facts as inline fields. */
export const discord = {
  type: 'discord',
  description: 'Posts an embed to a Discord channel through a channel webhook.',
  config,
  render(n, c): HttpRequest {
    const url = new URL(c.url);
    url.searchParams.set('wait', 'true');
    return {
      method: 'POST',
      url: url.toString(),
      headers: { 'content-type': 'application/json', 'user-agent': 'mcpwatch' },
      body: JSON.stringify({
        ...(c.username ? { username: c.username } : {}),
        // Nothing mcpwatch sends should ping anyone, whatever a server's name or error text says.
        allowed_mentions: { parse: [] },
        embeds: [embed(n)],
      }),
    };
  },
  async send(request, _c, signal) {
    const delivery = await sendHttp(request, signal);
    if (delivery.ok || delivery.status !== 429 || delivery.retryAfterMs !== undefined) return delivery;
    // Without a Retry-After header the pause is only in the body, as fractional seconds.
    const answer = parseJson(answerOf(delivery)) as { retry_after?: unknown } | undefined;
    const retryAfterMs = retryAfterSeconds(answer?.retry_after);
    return retryAfterMs === undefined ? delivery : { ...delivery, retryAfterMs };
  },
} satisfies Notifier<DiscordConfig>;
