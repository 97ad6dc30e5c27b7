import { afterEach, describe, expect, it } from 'vitest';
import { downNotification, providerServer } from '../test-fixtures.js';
import { DISCORD_COLORS, discord } from './discord.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const signal = () => AbortSignal.timeout(5000);
const config = discord.config.parse({
  url: 'https://discord.com/api/webhooks/123/abc',
  username: 'mcpwatch',
});

describe('discord', () => {
  it('renders one embed, red for a down monitor, and asks Discord to answer with the message', () => {
    const request = discord.render(downNotification(), config);
    expect(request).toMatchObject({
      method: 'POST',
      url: 'https://discord.com/api/webhooks/123/abc?wait=true',
      headers: { 'content-type': 'application/json' },
    });
    expect(JSON.parse(request.body)).toEqual({
      username: 'mcpwatch',
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: 'docs-search is down',
          description:
            'server/discover got HTTP 503 (phase handshake, reason http\\_status)\nDown for 3 minutes.',
          url: 'https://mcpwatch.example.com/monitors/7',
          color: 0xed4245,
          fields: [
            { name: 'Reason', value: 'http\\_status', inline: true },
            { name: 'Phase', value: 'handshake', inline: true },
          ],
          footer: { text: 'docs-search · prod' },
          timestamp: '2026-11-22T10:00:00.000Z',
        },
      ],
    });
  });

  it('colours by state and priority: green resolved, blue info, orange for a lesser firing', () => {
    const color = (overrides: Parameters<typeof downNotification>[0]) =>
      JSON.parse(discord.render(downNotification(overrides), config).body).embeds[0].color;
    expect(color({ state: 'resolved', title: 'docs-search is up' })).toBe(DISCORD_COLORS.green);
    expect(color({ state: 'info', priority: 4 })).toBe(DISCORD_COLORS.blue);
    expect(color({ state: 'firing', priority: 7 })).toBe(DISCORD_COLORS.red);
    expect(color({ state: 'firing', priority: 6 })).toBe(DISCORD_COLORS.orange);
  });

  it('keeps an existing query (a thread id) and leaves out what is not set', () => {
    const c = discord.config.parse({ url: 'https://discord.com/api/webhooks/1/t?thread_id=99' });
    const n = downNotification({ facts: [], link: undefined, body: '' });
    n.monitor.group = null;
    const request = discord.render(n, c);
    expect(request.url).toBe('https://discord.com/api/webhooks/1/t?thread_id=99&wait=true');
    expect(JSON.parse(request.body)).toEqual({
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: 'docs-search is down',
          color: DISCORD_COLORS.red,
          footer: { text: 'docs-search' },
          timestamp: '2026-11-22T10:00:00.000Z',
        },
      ],
    });
  });

  it('escapes Markdown and mention syntax in hostile text', () => {
    const name = '**bold** <@&123> [click](https://phish.example) `x` ||spoiler|| & <b>';
    const n = downNotification({
      title: `${name} is down`,
      body: `# heading\n> quote\n- item\n${name}`,
      facts: [{ label: '_a_', value: '~~b~~' }],
    });
    const body = JSON.parse(discord.render(n, config).body);
    const escaped =
      '\\*\\*bold\\*\\* \\<@&123\\> \\[click\\](https://phish.example) \\`x\\` \\|\\|spoiler\\|\\| & \\<b\\>';
    expect(body.embeds[0].title).toBe(`${escaped} is down`);
    expect(body.embeds[0].description).toBe(`\\# heading\n\\> quote\n\\- item\n${escaped}`);
    expect(body.embeds[0].fields).toEqual([{ name: '\\_a\\_', value: '\\~\\~b\\~\\~', inline: true }]);
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it("keeps to Discord's limits: title 256, description 4096, 25 fields of 256/1024, 6000 in all", () => {
    const facts = Array.from({ length: 30 }, (_, i) => ({
      label: `F${i}${'n'.repeat(300)}`,
      value: '*'.repeat(2000),
    }));
    const n = downNotification({ title: 'T'.repeat(400), body: 'x'.repeat(5000), facts });
    const e = JSON.parse(discord.render(n, config).body).embeds[0];
    expect(e.title).toBe(`${'T'.repeat(255)}…`);
    expect(e.description).toBe(`${'x'.repeat(4095)}…`);
    expect(e.fields.length).toBeLessThanOrEqual(25);
    let total = e.title.length + e.description.length + e.footer.text.length;
    for (const f of e.fields) {
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeLessThanOrEqual(1024);
      // A cut never leaves a lone backslash escaping the ellipsis.
      expect(f.value).toMatch(/^(\\\*)+…$/);
      total += f.name.length + f.value.length;
    }
    expect(total).toBeLessThanOrEqual(6000);
    expect(e.fields.length).toBeGreaterThan(0);
  });

  it('posts to the webhook with wait=true and takes the message Discord answers', async () => {
    const server = await providerServer(() => ({ status: 200, body: '{"id":"1","channel_id":"2"}' }));
    close = server.close;
    const c = discord.config.parse({ url: `${server.url}/api/webhooks/123/abc` });
    const delivery = await discord.send(discord.render(downNotification(), c), c, signal());
    expect(delivery).toEqual({ ok: true, status: 200, response: '{"id":"1","channel_id":"2"}' });
    const [received] = server.received;
    expect(received?.method).toBe('POST');
    expect(received?.url).toBe('/api/webhooks/123/abc?wait=true');
    expect(received?.headers['content-type']).toBe('application/json');
    const sent = JSON.parse(received?.body ?? '');
    expect(sent.embeds).toHaveLength(1);
    expect(Object.keys(sent.embeds[0]).sort()).toEqual(
      ['color', 'description', 'fields', 'footer', 'timestamp', 'title', 'url'].sort(),
    );
  });

  it("honours a 429's Retry-After, else the body's fractional retry_after", async () => {
    let headers: Record<string, string> = { 'retry-after': '3' };
    let status = 429;
    const rateLimited = '{"message":"You are being rate limited.","retry_after":2.5,"global":false}';
    let body = rateLimited;
    const server = await providerServer(() => ({ status, headers, body }));
    close = server.close;
    const c = discord.config.parse({ url: `${server.url}/api/webhooks/123/abc` });
    const request = discord.render(downNotification(), c);
    expect(await discord.send(request, c, signal())).toEqual({
      ok: false,
      permanent: false,
      status: 429,
      retryAfterMs: 3000,
      error: `HTTP 429: ${rateLimited}`,
    });
    headers = {};
    expect(await discord.send(request, c, signal())).toEqual({
      ok: false,
      permanent: false,
      status: 429,
      retryAfterMs: 2500,
      error: `HTTP 429: ${rateLimited}`,
    });
    // A 429 from Cloudflare's HTML ban page names no pause: still retried, after the outbox's own backoff.
    body = '<html>error 1015</html>';
    expect(await discord.send(request, c, signal())).toEqual({
      ok: false,
      permanent: false,
      status: 429,
      error: 'HTTP 429: <html>error 1015</html>',
    });
    status = 404;
    body = '{"message":"Unknown Webhook","code":10015}';
    expect(await discord.send(request, c, signal())).toMatchObject({
      ok: false,
      permanent: true,
      status: 404,
    });
    status = 401;
    body = '{"message":"Invalid Webhook Token","code":50027}';
    expect(await discord.send(request, c, signal())).toMatchObject({
      ok: false,
      permanent: true,
      status: 401,
    });
  });

  it('refuses a webhook name Discord would refuse', () => {
    const url = 'https://discord.com/api/webhooks/1/t';
    expect(discord.config.safeParse({ url, username: 'Discord alerts' }).success).toBe(false);
    expect(discord.config.safeParse({ url, username: 'x'.repeat(81) }).success).toBe(false);
    expect(discord.config.safeParse({ url, username: 'mcpwatch' }).success).toBe(true);
  });
});
