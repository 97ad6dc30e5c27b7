import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../test-fixtures/until.js';
import { trafficReportSchema } from '../traffic/report-schema.js';
import type { Exchange } from './observer.js';
import { createReporter, redactUrl, Tally, type WrapReport } from './report.js';

const call = (tool: string, ms: number, ok = true): Exchange => ({
  origin: 'client',
  method: 'tools/call',
  tool,
  ok,
  seconds: ms / 1000,
});

describe('Tally', () => {
  it('sums calls, errors and durations per tool, with the median, and starts again after take', () => {
    const tally = new Tally();
    tally.record(call('search', 10));
    tally.record(call('search', 30, false));
    tally.record(call('search', 20));
    tally.record(call('fetch', 5));
    tally.record({ origin: 'client', method: 'ping', ok: true, seconds: 0.001 });
    tally.record({ origin: 'client', method: 'resources/read', ok: false, errorType: '-32002', seconds: 0 });
    // The server's own requests (sampling) are not the server's work.
    tally.record({ origin: 'server', method: 'sampling/createMessage', ok: true, seconds: 1 });
    expect(tally.take('files', 1000, 2000)).toEqual({
      version: 1,
      server: 'files',
      from: 1000,
      to: 2000,
      requests: 6,
      errors: 2,
      tools: [
        { name: 'search', calls: 3, errors: 1, durationMsSum: 60, durationMsMax: 30, durationMsP50: 20 },
        { name: 'fetch', calls: 1, errors: 0, durationMsSum: 5, durationMsMax: 5, durationMsP50: 5 },
      ],
    });
    expect(tally.take('files', 2000, 3000)).toBeUndefined();
  });
});

describe('createReporter', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  async function receiver(status = 200) {
    const bodies: { url: string; type: string; body: WrapReport }[] = [];
    const server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        bodies.push({ url: req.url ?? '', type: req.headers['content-type'] ?? '', body: JSON.parse(text) });
        res.writeHead(status).end();
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { bodies, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  it('sends what is left on stop, as JSON to the URL, and nothing when there was no traffic', async () => {
    const { bodies, base } = await receiver();
    const warnings: string[] = [];
    let t = 5000;
    const reporter = createReporter({
      url: `${base}/hb/tok123/report`,
      server: 'files',
      intervalMs: 3_600_000,
      warn: (m) => warnings.push(m),
      now: () => t,
    });
    reporter.record(call('read', 2));
    t = 6000;
    await reporter.stop();
    expect(bodies).toEqual([
      {
        url: '/hb/tok123/report',
        type: 'application/json',
        body: {
          version: 1,
          server: 'files',
          from: 5000,
          to: 6000,
          requests: 1,
          errors: 0,
          tools: [
            { name: 'read', calls: 1, errors: 0, durationMsSum: 2, durationMsMax: 2, durationMsP50: 2 },
          ],
        },
      },
    ]);
    const idle = createReporter({
      url: `${base}/hb/x/report`,
      server: 's',
      intervalMs: 3_600_000,
      warn: () => {},
    });
    await idle.stop();
    expect(bodies).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it('says once per outage that reports fail, never naming the token, and when they get through again', async () => {
    const { bodies, base } = await receiver();
    const warnings: string[] = [];
    let broken = true;
    let attempts = 0;
    const reporter = createReporter({
      url: `${base}/hb/secret-token/report`,
      server: 's',
      intervalMs: 20,
      warn: (m) => warnings.push(m),
      fetch: (u, init) => {
        attempts++;
        return broken ? Promise.reject(new TypeError('fetch failed')) : fetch(u, init);
      },
    });
    for (let i = 1; i <= 3; i++) {
      reporter.record(call('a', 1));
      await until(
        'a report attempt',
        () => attempts,
        (n) => n >= i,
      );
    }
    broken = false;
    reporter.record(call('a', 1));
    await until(
      'a report through',
      () => bodies.length,
      (n) => n >= 1,
    );
    await reporter.stop();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^a report to http:\/\/127\.0\.0\.1:\d+\/hb\/…\/report failed \(fetch failed\)/,
    );
    expect(warnings[1]).toMatch(/^reports reach .* again$/);
    for (const w of warnings) expect(w).not.toContain('secret-token');
    // The lost intervals are gaps: the report that got through carries only its own call.
    expect(bodies[0]?.body.requests).toBe(1);
  });

  it('counts an answer other than 2xx as a failure', async () => {
    const { base } = await receiver(404);
    const warnings: string[] = [];
    const reporter = createReporter({
      url: `${base}/hb/t/report`,
      server: 's',
      intervalMs: 3_600_000,
      warn: (m) => warnings.push(m),
    });
    reporter.record(call('a', 1));
    await reporter.stop();
    expect(warnings).toEqual([expect.stringContaining('failed (HTTP 404)')]);
  });

  it('hides the token of /hb/ URLs', () => {
    expect(redactUrl('https://mcpwatch.example.com/hb/abc/report')).toBe(
      'https://mcpwatch.example.com/hb/…/report',
    );
    expect(redactUrl('http://127.0.0.1:9/x?y=1')).toBe('http://127.0.0.1:9/…');
  });
});

describe('Tally within the service limits', () => {
  it('names unnamed tools, cuts long names, and folds tools past 200 into "other"', () => {
    const tally = new Tally();
    tally.record({ origin: 'client', method: 'tools/call', ok: true, seconds: 0 });
    tally.record(call('x'.repeat(300), 1));
    for (let i = 0; i < 250; i++) tally.record(call(`t${i}`, 1));
    const report = tally.take('s'.repeat(300), 1, 2);
    expect(report?.server).toHaveLength(200);
    expect(report?.tools).toHaveLength(201);
    expect(report?.tools[0]?.name).toBe('(no name)');
    expect(report?.tools[1]?.name).toBe('x'.repeat(200));
    expect(report?.tools.at(-1)).toMatchObject({ name: 'other', calls: 52 });
    // What the service's ingest accepts (POST /hb/<token>/report validates with this schema).
    expect(trafficReportSchema.safeParse(report).error).toBeUndefined();
  });
});
