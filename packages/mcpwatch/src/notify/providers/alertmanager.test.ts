import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test-fixtures/free-port.js';
import { downNotification, providerServer } from '../test-fixtures.js';
import { type AlertmanagerAlert, alertmanager, alertnameOf, severityOf } from './alertmanager.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const signal = () => AbortSignal.timeout(5000);
const alertsOf = (body: string) => JSON.parse(body) as AlertmanagerAlert[];

describe('alertmanager: rendering', () => {
  const config = alertmanager.config.parse({ url: 'http://alertmanager:9093/' });

  it('renders a firing incident: fixed labels, the rest in annotations, endsAt a week ahead', () => {
    const request = alertmanager.render(downNotification(), config);
    expect(request).toMatchObject({ method: 'POST', url: 'http://alertmanager:9093/api/v2/alerts' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(alertsOf(request.body)).toEqual([
      {
        labels: {
          alertname: 'MCPWatchIncident',
          monitor: 'docs-search',
          group: 'prod',
          incident: 'mcpwatch-7-incident-3',
        },
        annotations: {
          summary: 'docs-search is down',
          description:
            'server/discover got HTTP 503 (phase handshake, reason http_status)\nDown for 3 minutes.',
          severity: 'critical',
          mcpwatch_kind: 'down',
          target: 'https://mcp.example.com/mcp',
        },
        startsAt: '2026-11-22T10:00:00.000Z',
        endsAt: '2026-11-29T10:00:00.000Z',
        generatorURL: 'https://mcpwatch.example.com/monitors/7',
      },
    ]);
  });

  it('renders the resolve with the same labels as the firing, whatever kind resolves it', () => {
    const firing = alertsOf(
      alertmanager.render(downNotification({ kind: 'degraded', priority: 7 }), config).body,
    );
    const resolved = alertsOf(
      alertmanager.render(
        downNotification({
          kind: 'recovered',
          state: 'resolved',
          priority: 5,
          title: 'docs-search recovered',
          body: 'Up again after 12 minutes.',
          at: '2026-11-22T10:12:00.000Z',
          link: undefined,
        }),
        config,
      ).body,
    );
    expect(resolved).toEqual([
      {
        labels: firing[0]?.labels,
        annotations: {
          summary: 'docs-search recovered',
          description: 'Up again after 12 minutes.',
          severity: 'warning',
          mcpwatch_kind: 'recovered',
          target: 'https://mcp.example.com/mcp',
        },
        endsAt: '2026-11-22T10:12:00.000Z',
      },
    ]);
  });

  it('renders an informational event with its kind and severity as labels and no endsAt', () => {
    const request = alertmanager.render(
      downNotification({
        kind: 'tools_changed',
        state: 'info',
        priority: 6,
        title: 'docs-search changed its tools',
        body: 'Added: search_v2',
        monitor: { ...downNotification().monitor, group: null },
        dedupKey: 'mcpwatch-7-event-90',
      }),
      config,
    );
    expect(alertsOf(request.body)).toEqual([
      {
        labels: {
          alertname: 'MCPWatchToolsChanged',
          monitor: 'docs-search',
          severity: 'warning',
          mcpwatch_kind: 'tools_changed',
          event: 'mcpwatch-7-event-90',
        },
        annotations: {
          summary: 'docs-search changed its tools',
          description: 'Added: search_v2',
          severity: 'warning',
          mcpwatch_kind: 'tools_changed',
          target: 'https://mcp.example.com/mcp',
        },
        startsAt: '2026-11-22T10:00:00.000Z',
        generatorURL: 'https://mcpwatch.example.com/monitors/7',
      },
    ]);
  });

  it('names alerts per kind and maps priorities onto three severities', () => {
    expect(['package_released', 'tls_expiring', 'test'].map(alertnameOf)).toEqual([
      'MCPWatchPackageReleased',
      'MCPWatchTlsExpiring',
      'MCPWatchTest',
    ]);
    expect([10, 8, 7, 5, 4, 1].map(severityOf)).toEqual([
      'critical',
      'critical',
      'warning',
      'warning',
      'info',
      'info',
    ]);
  });

  it('keeps hostile text as data: label and annotation values are JSON strings, nothing more', () => {
    const name = 'x"}],"labels":{"alertname":"Evil';
    const request = alertmanager.render(
      downNotification({ monitor: { ...downNotification().monitor, name } }),
      config,
    );
    const alerts = alertsOf(request.body);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.labels).toMatchObject({ alertname: 'MCPWatchIncident', monitor: name });
  });
});

describe('alertmanager: answers', () => {
  it('sends the auth proxy headers; retries 429 and 5xx; gives up on a 400 (an invalid alert)', async () => {
    let answer: { status: number; headers?: Record<string, string>; body?: string } = { status: 200 };
    const server = await providerServer(() => answer);
    close = server.close;
    const c = alertmanager.config.parse({
      url: server.url,
      headers: { authorization: 'Bearer proxy-token' },
    });
    const request = alertmanager.render(downNotification(), c);
    expect(await alertmanager.send(request, c, signal())).toEqual({ ok: true, status: 200 });
    expect(server.received[0]).toMatchObject({ method: 'POST', url: '/api/v2/alerts' });
    expect(server.received[0]?.headers.authorization).toBe('Bearer proxy-token');
    answer = { status: 429, headers: { 'retry-after': '9' } };
    expect(await alertmanager.send(request, c, signal())).toMatchObject({
      ok: false,
      permanent: false,
      retryAfterMs: 9000,
    });
    answer = { status: 500, body: '"failed to persist alerts"' };
    expect(await alertmanager.send(request, c, signal())).toMatchObject({
      ok: false,
      permanent: false,
      status: 500,
    });
    answer = { status: 400, body: '"start time must be before end time"' };
    expect(await alertmanager.send(request, c, signal())).toEqual({
      ok: false,
      permanent: true,
      status: 400,
      error: 'HTTP 400: "start time must be before end time"',
    });
  });
});

// The real Alertmanager, as Debian's prometheus-alertmanager package installs it (.ci/run installs it).
const BINARY = process.env.MCPWATCH_TEST_ALERTMANAGER ?? '/usr/bin/prometheus-alertmanager';

if (existsSync(BINARY)) {
  describe('alertmanager: against the real Alertmanager', () => {
    let child: ChildProcess | undefined;
    let dir = '';
    let base = '';
    let output = '';

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-am-'));
      // A route to a receiver with no integrations: alerts are kept and shown, never sent anywhere.
      await writeFile(
        path.join(dir, 'alertmanager.yml'),
        "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n",
      );
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      child = spawn(
        BINARY,
        [
          `--config.file=${path.join(dir, 'alertmanager.yml')}`,
          `--storage.path=${path.join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--cluster.listen-address=',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout?.on('data', (d: Buffer) => {
        output += d.toString();
      });
      child.stderr?.on('data', (d: Buffer) => {
        output += d.toString();
      });
      await waitReady(`${base}/-/ready`, child, () => output);
    }, 30_000);

    afterAll(async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child?.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    });

    async function active(label: string, value: string): Promise<Record<string, unknown>[]> {
      const filter = encodeURIComponent(`${label}="${value}"`);
      const response = await fetch(`${base}/api/v2/alerts?active=true&filter=${filter}`);
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, unknown>[];
    }

    it('fires an incident, keeps one alert through a reminder, and resolves it', async () => {
      const c = alertmanager.config.parse({ url: base });
      const at = new Date().toISOString();
      const incident = { at, dedupKey: 'mcpwatch-7-incident-real-1' };
      const firing = alertmanager.render(downNotification(incident), c);
      expect(await alertmanager.send(firing, c, signal())).toMatchObject({ ok: true, status: 200 });

      const [alert, ...more] = await active('incident', incident.dedupKey);
      expect(more).toEqual([]);
      expect(alert).toMatchObject({
        labels: alertsOf(firing.body)[0]?.labels,
        annotations: { summary: 'docs-search is down' },
        status: { state: 'active' },
        generatorURL: 'https://mcpwatch.example.com/monitors/7',
      });
      // The explicit endsAt holds: the alert does not lapse after resolve_timeout.
      expect(Date.parse(String(alert?.endsAt))).toBe(Date.parse(at) + 10_080 * 60_000);

      const reminder = downNotification({
        ...incident,
        kind: 'reminder',
        title: 'docs-search is still down',
      });
      expect(await alertmanager.send(alertmanager.render(reminder, c), c, signal())).toMatchObject({
        ok: true,
      });
      const afterReminder = await active('incident', incident.dedupKey);
      expect(afterReminder).toHaveLength(1);
      expect(afterReminder[0]).toMatchObject({ annotations: { summary: 'docs-search is still down' } });

      const resolve = downNotification({
        ...incident,
        kind: 'recovered',
        state: 'resolved',
        priority: 5,
        title: 'docs-search recovered',
        at: new Date().toISOString(),
      });
      expect(await alertmanager.send(alertmanager.render(resolve, c), c, signal())).toMatchObject({
        ok: true,
      });
      expect(await active('incident', incident.dedupKey)).toEqual([]);
    });

    it('shows an informational alert under its own alertname, lapsing after resolve_timeout', async () => {
      const c = alertmanager.config.parse({ url: base });
      const at = new Date().toISOString();
      const info = downNotification({
        kind: 'package_released',
        state: 'info',
        priority: 4,
        title: 'docs-search 1.3.0 was published',
        at,
        dedupKey: 'mcpwatch-7-event-real-2',
      });
      expect(await alertmanager.send(alertmanager.render(info, c), c, signal())).toMatchObject({ ok: true });
      const [alert] = await active('event', info.dedupKey);
      expect(alert?.labels).toMatchObject({ alertname: 'MCPWatchPackageReleased', severity: 'info' });
      // Alertmanager's default resolve_timeout is 5 minutes: the alert ends on its own after that.
      expect(Date.parse(String(alert?.endsAt)) - Date.parse(String(alert?.updatedAt))).toBe(5 * 60_000);
    });

    it('classifies its refusal of an invalid alert as permanent', async () => {
      const c = alertmanager.config.parse({ url: base });
      const request = alertmanager.render(downNotification(), c);
      const invalid = { ...request, body: JSON.stringify([{ labels: {}, annotations: {} }]) };
      expect(await alertmanager.send(invalid, c, signal())).toMatchObject({
        ok: false,
        permanent: true,
        status: 400,
        error: expect.stringContaining('at least one label pair required'),
      });
    });
  });
} else if (process.env.CI === 'true') {
  describe('alertmanager: against the real Alertmanager', () => {
    it('needs Alertmanager under CI', () => {
      throw new Error(
        `${BINARY} is missing (apt-get install -y prometheus-alertmanager); CI must run these tests.`,
      );
    });
  });
} else {
  console.log(
    `Skipping the real-Alertmanager tests: ${BINARY} is missing (apt-get install -y prometheus-alertmanager).`,
  );
  describe.skip('alertmanager: against the real Alertmanager (not installed)', () => {
    it('runs against Debian’s prometheus-alertmanager', () => {});
  });
}

/** Polls /-/ready until Alertmanager answers 200; fails with its output if it exits or stays unready. */
async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Alertmanager exited (${child.exitCode}):\n${output()}`);
    const ready = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Alertmanager was not ready within 20 s:\n${output()}`);
}
