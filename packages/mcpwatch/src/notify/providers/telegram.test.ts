import { afterEach, describe, expect, it } from 'vitest';
import { downNotification, providerServer } from '../test-fixtures.js';
import { telegram } from './telegram.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const signal = () => AbortSignal.timeout(5000);
const TOKEN = '123456:AAH-secret_token';
const config = telegram.config.parse({ botToken: TOKEN, chatId: -1001234567890 });

/** What Telegram shows once it has parsed the HTML: the tags gone, the four entities decoded. */
function visible(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

describe('telegram', () => {
  it('renders sendMessage with an HTML text: bold title, body, facts, context, link; previews off', () => {
    const request = telegram.render(downNotification(), config);
    expect(request).toMatchObject({
      method: 'POST',
      url: `https://api.telegram.org/bot${TOKEN}/sendMessage`,
      headers: { 'content-type': 'application/json' },
    });
    expect(JSON.parse(request.body)).toEqual({
      chat_id: -1001234567890,
      text:
        '<b>docs-search is down</b>\n\n' +
        'server/discover got HTTP 503 (phase handshake, reason http_status)\nDown for 3 minutes.\n\n' +
        '<b>Reason:</b> http_status\n<b>Phase:</b> handshake\n\n' +
        '<i>docs-search · prod · 2026-11-22 10:00 UTC</i>\n' +
        '<a href="https://mcpwatch.example.com/monitors/7">Open in mcpwatch</a>',
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
  });

  it('sends to a local Bot API server and a @channel when configured, without facts or link', () => {
    const c = telegram.config.parse({
      botToken: TOKEN,
      chatId: '@mcp_alerts',
      apiUrl: 'http://bot-api:8081/',
    });
    const n = downNotification({
      state: 'resolved',
      title: 'docs-search is up',
      body: '',
      facts: [],
      link: undefined,
    });
    n.monitor.group = null;
    const request = telegram.render(n, c);
    expect(request.url).toBe(`http://bot-api:8081/bot${TOKEN}/sendMessage`);
    expect(JSON.parse(request.body)).toMatchObject({
      chat_id: '@mcp_alerts',
      text: '<b>docs-search is up</b>\n\n<i>docs-search · 2026-11-22 10:00 UTC</i>',
    });
  });

  it('escapes HTML in hostile text, so it cannot format or link', () => {
    const name = '<b>evil</b> & <a href="https://phish.example">x</a>';
    const n = downNotification({
      title: `${name} is down`,
      body: name,
      facts: [{ label: '<i>', value: '&amp;' }],
      link: 'https://mcpwatch.example.com/m?a=1&b="2"',
    });
    n.monitor.name = name;
    const text: string = JSON.parse(telegram.render(n, config).body).text;
    const escaped =
      '&lt;b&gt;evil&lt;/b&gt; &amp; &lt;a href=&quot;https://phish.example&quot;&gt;x&lt;/a&gt;';
    expect(text).toBe(
      `<b>${escaped} is down</b>\n\n${escaped}\n\n<b>&lt;i&gt;:</b> &amp;amp;\n\n` +
        `<i>${escaped} · prod · 2026-11-22 10:00 UTC</i>\n` +
        '<a href="https://mcpwatch.example.com/m?a=1&amp;b=&quot;2&quot;">Open in mcpwatch</a>',
    );
    expect(text.match(/<a /g)).toHaveLength(1);
  });

  it('cuts the body so the text the reader sees is at most 4096 characters, escapes included', () => {
    const facts = Array.from({ length: 15 }, (_, i) => ({ label: `F${i}`, value: 'v'.repeat(500) }));
    const n = downNotification({ title: 'T'.repeat(300), body: '&'.repeat(10_000), facts });
    const text: string = JSON.parse(telegram.render(n, config).body).text;
    const shown = visible(text);
    expect(shown.length).toBe(4096);
    expect(shown.startsWith(`${'T'.repeat(255)}…\n\n&&&`)).toBe(true);
    expect(shown).toContain('&…\n\nF0: ');
    expect(shown.match(/^F\d+: /gm)).toHaveLength(10);
    expect(shown).toContain(`F9: ${'v'.repeat(255)}…`);
    // Escaped after cutting: no entity is split.
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
  });

  it('posts to /bot<token>/sendMessage and takes { ok: true, result }', async () => {
    const answer = '{"ok":true,"result":{"message_id":42,"chat":{"id":-1001234567890}}}';
    const server = await providerServer(() => ({ status: 200, body: answer }));
    close = server.close;
    const c = telegram.config.parse({ botToken: TOKEN, chatId: -1001234567890, apiUrl: server.url });
    const delivery = await telegram.send(telegram.render(downNotification(), c), c, signal());
    expect(delivery).toEqual({ ok: true, status: 200, response: answer });
    const [received] = server.received;
    expect(received?.method).toBe('POST');
    expect(received?.url).toBe(`/bot${TOKEN}/sendMessage`);
    expect(received?.headers['content-type']).toBe('application/json');
    const sent = JSON.parse(received?.body ?? '');
    expect(Object.keys(sent).sort()).toEqual(['chat_id', 'link_preview_options', 'parse_mode', 'text']);
  });

  it('waits out flood control for parameters.retry_after, header or not', async () => {
    const flood =
      '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}}';
    let headers: Record<string, string> = {};
    const server = await providerServer(() => ({ status: 429, headers, body: flood }));
    close = server.close;
    const c = telegram.config.parse({ botToken: TOKEN, chatId: 1, apiUrl: server.url });
    const request = telegram.render(downNotification(), c);
    expect(await telegram.send(request, c, signal())).toEqual({
      ok: false,
      permanent: false,
      status: 429,
      retryAfterMs: 17_000,
      error: `HTTP 429: ${flood}`,
    });
    headers = { 'retry-after': '5' };
    expect(await telegram.send(request, c, signal())).toMatchObject({ retryAfterMs: 17_000 });
  });

  it('gives up on a bad token, a missing chat or a blocked bot, and names the new id of a migrated group', async () => {
    let answer = { status: 401, body: '{"ok":false,"error_code":401,"description":"Unauthorized"}' };
    const server = await providerServer(() => answer);
    close = server.close;
    const c = telegram.config.parse({ botToken: TOKEN, chatId: 1, apiUrl: server.url });
    const request = telegram.render(downNotification(), c);
    for (const [status, description] of [
      [401, 'Unauthorized'],
      [400, 'Bad Request: chat not found'],
      [403, 'Forbidden: bot was blocked by the user'],
    ] as const) {
      answer = { status, body: JSON.stringify({ ok: false, error_code: status, description }) };
      const delivery = await telegram.send(request, c, signal());
      expect(delivery).toMatchObject({ ok: false, permanent: true, status });
      expect(JSON.stringify(delivery)).toContain(description);
    }
    answer = {
      status: 400,
      body: '{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1009876543210}}',
    };
    expect(await telegram.send(request, c, signal())).toEqual({
      ok: false,
      permanent: true,
      status: 400,
      error: 'the group became a supergroup: set chatId to -1009876543210',
    });
  });

  it('never lets the bot token out in an error, even when an answer echoes the URL', async () => {
    const server = await providerServer((r) => ({ status: 502, body: `bad gateway for ${r.url}` }));
    close = server.close;
    const c = telegram.config.parse({ botToken: TOKEN, chatId: 1, apiUrl: server.url });
    const echoed = await telegram.send(telegram.render(downNotification(), c), c, signal());
    expect(echoed).toEqual({
      ok: false,
      permanent: false,
      status: 502,
      error: 'HTTP 502: bad gateway for /bot<bot token>/sendMessage',
    });
    const down = telegram.config.parse({ botToken: TOKEN, chatId: 1, apiUrl: 'http://127.0.0.1:1' });
    const unreachable = await telegram.send(telegram.render(downNotification(), down), down, signal());
    expect(unreachable).toMatchObject({ ok: false, permanent: false });
    expect(JSON.stringify(unreachable)).not.toContain('AAH-secret_token');
  });

  it('refuses a token or chat id that cannot be right', () => {
    expect(telegram.config.safeParse({ botToken: 'not-a-token', chatId: 1 }).success).toBe(false);
    expect(telegram.config.safeParse({ botToken: TOKEN, chatId: 'general' }).success).toBe(false);
    expect(telegram.config.safeParse({ botToken: TOKEN, chatId: '-100123' }).success).toBe(true);
  });
});
