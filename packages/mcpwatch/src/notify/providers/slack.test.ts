import { afterEach, describe, expect, it } from 'vitest';
import { downNotification, providerServer } from '../test-fixtures.js';
import { slack } from './slack.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const signal = () => AbortSignal.timeout(5000);
const config = slack.config.parse({ url: 'https://hooks.slack.com/services/T000/B000/XXXX' });

describe('slack', () => {
  it('renders a Block Kit message: header, body, fields, context, button', () => {
    const request = slack.render(downNotification(), config);
    expect(request).toMatchObject({
      method: 'POST',
      url: 'https://hooks.slack.com/services/T000/B000/XXXX',
      headers: { 'content-type': 'application/json' },
    });
    expect(JSON.parse(request.body)).toEqual({
      text: 'docs-search is down\nserver/discover got HTTP 503 (phase handshake, reason http_status)\nDown for 3 minutes.',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'docs-search is down', emoji: true } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: 'server/discover got HTTP 503 (phase handshake, reason http_status)\nDown for 3 minutes.',
            verbatim: true,
          },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Reason*\nhttp_status', verbatim: true },
            { type: 'mrkdwn', text: '*Phase*\nhandshake', verbatim: true },
          ],
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: 'Monitor *docs-search* · group *prod* · <!date^1795341600^{date_short_pretty} {time_secs}|2026-11-22T10:00:00.000Z>',
              verbatim: true,
            },
          ],
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Open in mcpwatch' },
              url: 'https://mcpwatch.example.com/monitors/7',
              action_id: 'mcpwatch-open',
            },
          ],
        },
      ],
    });
  });

  it('leaves out the fields, group and button when there are none', () => {
    const n = downNotification({ facts: [], link: undefined, state: 'resolved', title: 'docs-search is up' });
    n.monitor.group = null;
    const blocks = JSON.parse(slack.render(n, config).body).blocks as { type: string }[];
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(JSON.stringify(blocks[2])).toContain('"Monitor *docs-search* · <!date^');
  });

  it("escapes Slack's control characters, so hostile text cannot link, mention or break the message", () => {
    const name = '<b>evil</b> & <!channel> <https://phish.example|click>';
    const n = downNotification({
      title: `${name} is down`,
      body: `${name} said *hi*`,
      facts: [{ label: 'A<b>', value: '<@U123>' }],
    });
    n.monitor.name = name;
    const body = JSON.parse(slack.render(n, config).body);
    const escaped = '&lt;b&gt;evil&lt;/b&gt; &amp; &lt;!channel&gt; &lt;https://phish.example|click&gt;';
    expect(body.text).toBe(`${escaped} is down\n${escaped} said *hi*`);
    // The header is plain_text, which Slack never parses: it shows the name as written.
    expect(body.blocks[0].text.text).toBe(`${name} is down`);
    expect(body.blocks[1].text.text).toBe(`${escaped} said *hi*`);
    expect(body.blocks[2].fields[0].text).toBe('*A&lt;b&gt;*\n&lt;@U123&gt;');
    expect(body.blocks[3].elements[0].text).toContain(`Monitor *${escaped}*`);
    expect(JSON.stringify([body.text, ...body.blocks.slice(1)])).not.toMatch(
      /<!channel>|<@U123>|<https:\/\/phish/,
    );
  });

  it("keeps to Slack's limits: header 150, section 3000, 10 fields of 2000, without splitting an escape", () => {
    const facts = Array.from({ length: 14 }, (_, i) => ({ label: `F${i}`, value: '&'.repeat(3000) }));
    const n = downNotification({ title: 'T'.repeat(400), body: `${'x'.repeat(2998)}&&&`, facts });
    const body = JSON.parse(slack.render(n, config).body);
    expect(body.blocks[0].text.text).toBe(`${'T'.repeat(149)}…`);
    const section: string = body.blocks[1].text.text;
    expect(section).toBe(`${'x'.repeat(2998)}…`);
    expect(body.blocks[2].fields).toHaveLength(10);
    for (const field of body.blocks[2].fields) {
      expect(field.text.length).toBeLessThanOrEqual(2000);
      expect(field.text).toMatch(/(&amp;)+…$/);
    }
    expect(body.text.length).toBeLessThanOrEqual(3000);
  });

  it('posts JSON to the webhook URL and takes Slack\'s "ok"', async () => {
    const server = await providerServer(() => ({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: 'ok',
    }));
    close = server.close;
    const c = slack.config.parse({ url: `${server.url}/services/T000/B000/XXXX` });
    const delivery = await slack.send(slack.render(downNotification(), c), c, signal());
    expect(delivery).toEqual({ ok: true, status: 200, response: 'ok' });
    const [received] = server.received;
    expect(received?.method).toBe('POST');
    expect(received?.url).toBe('/services/T000/B000/XXXX');
    expect(received?.headers['content-type']).toBe('application/json');
    const sent = JSON.parse(received?.body ?? '');
    expect(typeof sent.text).toBe('string');
    expect(
      sent.blocks.every((b: { type: string }) =>
        ['header', 'section', 'context', 'actions'].includes(b.type),
      ),
    ).toBe(true);
  });

  it('waits out a 429 for its Retry-After, gives up on refusals and retries a rollup_error', async () => {
    let answer = {
      status: 429,
      headers: { 'retry-after': '30' } as Record<string, string>,
      body: 'rate_limited',
    };
    const server = await providerServer(() => answer);
    close = server.close;
    const c = slack.config.parse({ url: `${server.url}/services/T000/B000/XXXX` });
    const request = slack.render(downNotification(), c);
    expect(await slack.send(request, c, signal())).toEqual({
      ok: false,
      permanent: false,
      status: 429,
      retryAfterMs: 30_000,
      error: 'HTTP 429: rate_limited',
    });
    for (const [status, text] of [
      [400, 'invalid_payload'],
      [400, 'invalid_blocks'],
      [403, 'action_prohibited'],
      [404, 'channel_not_found'],
      [404, 'no_service'],
      [410, 'channel_is_archived'],
    ] as const) {
      answer = { status, headers: {}, body: text };
      expect(await slack.send(request, c, signal())).toEqual({
        ok: false,
        permanent: true,
        status,
        error: `HTTP ${status}: ${text}`,
      });
    }
    answer = { status: 500, headers: {}, body: 'rollup_error' };
    expect(await slack.send(request, c, signal())).toMatchObject({
      ok: false,
      permanent: false,
      status: 500,
    });
  });

  it('refuses a config without a URL, and a URL that is not http(s)', () => {
    expect(slack.config.safeParse({}).success).toBe(false);
    expect(slack.config.safeParse({ url: 'ftp://hooks.slack.com/x' }).success).toBe(false);
    expect(slack.config.safeParse({ url: 'https://hooks.slack.com/x', extra: 1 }).success).toBe(false);
  });
});
