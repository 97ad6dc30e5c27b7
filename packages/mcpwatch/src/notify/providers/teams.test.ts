import { afterEach, describe, expect, it } from 'vitest';
import { downNotification, providerServer } from '../test-fixtures.js';
import { teams } from './teams.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const signal = () => AbortSignal.timeout(5000);
const config = teams.config.parse({
  url: 'https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=secret',
});

const content = (body: string) => JSON.parse(body).attachments[0].content;

describe('teams', () => {
  it('renders an Adaptive Card message the Workflows template posts as it is', () => {
    const request = teams.render(downNotification(), config);
    expect(request).toMatchObject({
      method: 'POST',
      url: config.url,
      headers: { 'content-type': 'application/json' },
    });
    expect(JSON.parse(request.body)).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              {
                type: 'TextBlock',
                text: 'docs-search is down',
                weight: 'bolder',
                size: 'medium',
                color: 'attention',
                wrap: true,
              },
              {
                type: 'TextBlock',
                text: 'server/discover got HTTP 503 (phase handshake, reason http\\_status)\nDown for 3 minutes.',
                wrap: true,
              },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Reason', value: 'http\\_status' },
                  { title: 'Phase', value: 'handshake' },
                ],
              },
              {
                type: 'TextBlock',
                text: 'docs-search · prod · {{DATE(2026-11-22T10:00:00Z, SHORT)}} {{TIME(2026-11-22T10:00:00Z)}}',
                isSubtle: true,
                size: 'small',
                wrap: true,
              },
            ],
            actions: [
              {
                type: 'Action.OpenUrl',
                title: 'Open in mcpwatch',
                url: 'https://mcpwatch.example.com/monitors/7',
              },
            ],
          },
        },
      ],
    });
  });

  it('colours the title by state and leaves out facts and the button when there are none', () => {
    const resolved = content(
      teams.render(downNotification({ state: 'resolved', facts: [], link: undefined }), config).body,
    );
    expect(resolved.body[0].color).toBe('good');
    expect(resolved.body.map((b: { type: string }) => b.type)).toEqual([
      'TextBlock',
      'TextBlock',
      'TextBlock',
    ]);
    expect(resolved.actions).toBeUndefined();
    const color = (overrides: Parameters<typeof downNotification>[0]) =>
      content(teams.render(downNotification(overrides), config).body).body[0].color;
    expect(color({ state: 'info', priority: 4 })).toBe('default');
    expect(color({ state: 'firing', priority: 6 })).toBe('warning');
  });

  it('escapes Markdown in hostile text, so a server name cannot format or link', () => {
    const name = '**bold** [click](https://phish.example) <b>x</b> & _i_';
    const n = downNotification({
      title: `${name} is down`,
      body: `- not a list\n1. nor this\n${name}`,
      facts: [{ label: '*L*', value: '[v](https://phish.example)' }],
    });
    n.monitor.name = name;
    const card = content(teams.render(n, config).body);
    const escaped = '\\*\\*bold\\*\\* \\[click\\](https://phish.example) \\<b\\>x\\</b\\> & \\_i\\_';
    expect(card.body[0].text).toBe(`${escaped} is down`);
    expect(card.body[1].text).toBe(`\\- not a list\n1\\. nor this\n${escaped}`);
    expect(card.body[2].facts).toEqual([{ title: '\\*L\\*', value: '\\[v\\](https://phish.example)' }]);
    expect(card.body[3].text.startsWith(`${escaped} · prod · `)).toBe(true);
  });

  it('keeps the message under the 28 KB Teams accepts: text cut, at most 10 facts', () => {
    const facts = Array.from({ length: 40 }, (_, i) => ({
      label: `${i}`.repeat(200),
      value: '界'.repeat(1000),
    }));
    const n = downNotification({ title: '界'.repeat(1000), body: '*'.repeat(20_000), facts });
    const request = teams.render(n, config);
    expect(Buffer.byteLength(request.body)).toBeLessThan(28 * 1024);
    const card = content(request.body);
    expect(card.body[0].text).toBe(`${'界'.repeat(199)}…`);
    expect(card.body[1].text.length).toBeLessThanOrEqual(5000);
    expect(card.body[1].text).toMatch(/^(\\\*)+…$/);
    expect(card.body[2].facts).toHaveLength(10);
  });

  it('posts to the flow URL with its query intact and takes 202 Accepted', async () => {
    const server = await providerServer(() => ({ status: 202 }));
    close = server.close;
    const c = teams.config.parse({
      url: `${server.url}/workflows/abc/triggers/manual/paths/invoke?sig=secret`,
    });
    const delivery = await teams.send(teams.render(downNotification(), c), c, signal());
    expect(delivery).toEqual({ ok: true, status: 202 });
    const [received] = server.received;
    expect(received?.method).toBe('POST');
    expect(received?.url).toBe('/workflows/abc/triggers/manual/paths/invoke?sig=secret');
    expect(received?.headers['content-type']).toBe('application/json');
    const sent = JSON.parse(received?.body ?? '');
    expect(sent.type).toBe('message');
    expect(sent.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(sent.attachments[0].content.type).toBe('AdaptiveCard');
  });

  it('waits out a throttled flow and gives up on a deleted one', async () => {
    let answer: { status: number; headers?: Record<string, string>; body?: string } = {
      status: 429,
      headers: { 'retry-after': '12' },
      body: '{"error":{"code":"WorkflowRequestsThrottled"}}',
    };
    const server = await providerServer(() => answer);
    close = server.close;
    const c = teams.config.parse({ url: `${server.url}/workflows/abc` });
    const request = teams.render(downNotification(), c);
    expect(await teams.send(request, c, signal())).toMatchObject({
      ok: false,
      permanent: false,
      status: 429,
      retryAfterMs: 12_000,
    });
    answer = { status: 200 };
    expect(await teams.send(request, c, signal())).toEqual({ ok: true, status: 200 });
    answer = { status: 404, body: '{"error":{"code":"WorkflowNotFound"}}' };
    expect(await teams.send(request, c, signal())).toMatchObject({ ok: false, permanent: true, status: 404 });
    answer = { status: 401, body: '{"error":{"code":"DirectApiAuthorizationRequired"}}' };
    expect(await teams.send(request, c, signal())).toMatchObject({ ok: false, permanent: true, status: 401 });
  });
});
