import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigWatcher } from '../config/watch-config.js';
import { providerServer } from '../notify/test-fixtures.js';
import { openStore } from '../store/index.js';
import { freePort } from '../test-fixtures/free-port.js';
import { until } from '../test-fixtures/until.js';
import { Service } from './service.js';

const FAILS_LATER = fileURLToPath(
  new URL('../../../probe/src/test-fixtures/stdio/fails-later.mjs', import.meta.url),
);

let dir: string;
let service: Service | undefined;
let closeReceiver: (() => Promise<void>) | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-service-'));
});

afterEach(async () => {
  await service?.stop(1000);
  service = undefined;
  await closeReceiver?.();
  closeReceiver = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(
  yaml: string,
  log = pino({ level: 'silent' }),
): Promise<{ file: string; service: Service }> {
  const file = path.join(dir, 'mcpwatch.yaml');
  writeFileSync(file, yaml);
  service = await Service.start({
    store: await openStore(path.join(dir, 'mcpwatch.db')),
    log,
    config: await ConfigWatcher.start(file, { source: { env: {} } }),
  });
  return { file, service };
}

describe('the service', () => {
  it('follows mcpwatch.yaml: adds, keeps the last good config on a bad edit, removes', async () => {
    const one = 'monitors:\n  - kind: tcp\n    name: a\n    target: 127.0.0.1:1\n    intervalSec: 60\n';
    const { file, service } = await start(one);
    expect(service.monitors.list().map((m) => m.name)).toEqual(['a']);

    writeFileSync(file, `${one}  - kind: tcp\n    name: b\n    target: 127.0.0.1:2\n    intervalSec: 60\n`);
    await until(
      'b added',
      () => service.monitors.list().map((m) => m.name),
      (names) => names.length === 2,
    );

    writeFileSync(file, 'monitors:\n  - kind: tcp\n    name: a\n    target: not-a-host-port\n');
    await until(
      'the bad edit reported',
      () => service.config.error,
      (error) => error !== null,
    );
    expect(service.config.error).toContain('mcpwatch.yaml:4');
    expect((await service.readiness()).problems.config).toContain('mcpwatch.yaml:4');
    expect(service.monitors.list().map((m) => m.name)).toEqual(['a', 'b']);

    writeFileSync(
      file,
      'monitors:\n  - kind: tcp\n    name: b\n    target: 127.0.0.1:2\n    intervalSec: 60\n',
    );
    await until(
      'a removed',
      () => service.monitors.list().map((m) => m.name),
      (names) => names.join() === 'b',
    );
    expect(service.config.error).toBeNull();
    expect(await service.store.getMonitorByKey('a')).toBeUndefined();
  });

  it('delivers events to the channels routed, reminds once per due time, and holds a dependent in its parent’s message', async () => {
    const receiver = await providerServer(() => ({ status: 204 }));
    closeReceiver = receiver.close;
    // A port the gateway fails on now and answers on later.
    const gatewayPort = await freePort();
    const { service } = await start(
      [
        'channels:',
        `  team: { type: webhook, url: "${receiver.url}/team" }`,
        `  pager: { type: webhook, url: "${receiver.url}/pager" }`,
        'routes:',
        '  - { minPriority: 7, channels: [pager] }',
        'alerting: { remindAfterMin: 1, maxReminders: 2 }',
        'monitors:',
        `  - { kind: tcp, name: gateway, target: "127.0.0.1:${gatewayPort}", intervalSec: 1, consecutiveFails: 1, notify: [team] }`,
        // Three failures: down after gateway has been seen down.
        '  - { kind: tcp, name: behind, target: "127.0.0.1:2", intervalSec: 1, consecutiveFails: 3, dependsOn: [gateway], notify: [team] }',
        '',
      ].join('\n'),
    );
    const gateway = service.monitors.byName('gateway')?.id as number;
    const messages = () => receiver.received.map((r) => `${r.url} ${JSON.parse(r.body).title}`);
    await until(
      'both down',
      () => service.monitors.list(),
      (list) => list.every((m) => m.status === 'down'),
    );
    await until('the down delivered', messages, (m) => m.length >= 2);
    expect(messages().sort()).toEqual(['/pager gateway is down', '/team gateway is down']);
    const deliveries = await service.store.listDeliveries({ monitorId: gateway, limit: 10 });
    expect(deliveries.every((d) => d.status === 'sent' && d.statusCode === 204)).toBe(true);

    const opened = (await service.store.listIncidents({ monitorId: gateway, open: true }))[0]
      ?.openedAt as number;
    expect(await service.alerting.sendReminders(opened + 30_000)).toBe(0);
    expect(await service.alerting.sendReminders(opened + 61_000)).toBe(1);
    // The same sweep again (a restart, a second process) finds it sent.
    expect(await service.alerting.sendReminders(opened + 61_000)).toBe(0);
    await until('the reminder delivered', messages, (m) => m.length >= 4);
    const reminder = receiver.received.map((r) => JSON.parse(r.body)).find((b) => b.kind === 'reminder');
    expect(reminder).toMatchObject({ title: 'gateway is still down', state: 'firing', priority: 9 });
    expect(reminder.body).toContain('Also down, alerts held: behind');
    // Nothing was sent about the dependent itself while the gateway was down; its rows are kept, held.
    expect(messages().some((m) => m.includes('behind is'))).toBe(false);
    const behind = service.monitors.byName('behind')?.id as number;
    const heldRows = await service.store.listDeliveries({ monitorId: behind, status: 'held' });
    expect(heldRows.map((d) => [d.channel, d.event.kind, d.heldReason]).sort()).toEqual([
      ['pager', 'down', '"gateway", which it depends on, was down'],
      ['team', 'down', '"gateway", which it depends on, was down'],
    ]);

    // The gateway comes back; the dependent does not: its held alert goes out now, never lost.
    const listener = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(gatewayPort, '127.0.0.1', resolve));
    try {
      await until('the held alert released', messages, (m) => m.includes('/team behind is down'));
      expect(messages()).toContain('/team gateway recovered');
      const back = receiver.received
        .map((r) => JSON.parse(r.body))
        .find((b) => b.title === 'gateway recovered');
      expect(back.body).toContain('Alerts held while it was down: behind');
      const late = receiver.received.map((r) => JSON.parse(r.body)).find((b) => b.title === 'behind is down');
      expect(late.body).toContain('Sent late: held while "gateway", which it depends on, was down');
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('holds a dependent that fails first until its parent is checked, and keeps the hold across a restart', async () => {
    const receiver = await providerServer(() => ({ status: 204 }));
    closeReceiver = receiver.close;
    const gatewayPort = await freePort();
    const yaml = [
      'channels:',
      `  team: { type: webhook, url: "${receiver.url}/team" }`,
      'monitors:',
      // Checked once an hour: when the dependent fails, the gateway's last check (if any) says nothing.
      `  - { kind: tcp, name: gateway, target: "127.0.0.1:${gatewayPort}", intervalSec: 3600, consecutiveFails: 1, notify: [team] }`,
      '  - { kind: tcp, name: behind, target: "127.0.0.1:2", intervalSec: 1, consecutiveFails: 1, dependsOn: [gateway], notify: [team] }',
      '',
    ].join('\n');
    const first = await start(yaml);
    const messages = () => receiver.received.map((r) => `${r.url} ${JSON.parse(r.body).title}`);
    // The dependent's failure has the gateway checked at once; it is down, so only its message goes out.
    await until('the gateway down, announced', messages, (m) => m.includes('/team gateway is down'));
    const behind = first.service.monitors.byName('behind')?.id as number;
    const held = await until(
      'the dependent held',
      () => first.service.store.listDeliveries({ monitorId: behind, status: 'held' }),
      (rows) => rows.some((r) => r.event.kind === 'down'),
    );
    expect(held[0]?.heldReason).toMatch(/^"gateway", which it depends on, was (being checked|down)$/);
    expect(messages().filter((m) => m.includes('behind'))).toEqual([]);

    // A new process on the same store knows the spell is held: the gateway's recovery releases it.
    await first.service.stop(1000);
    service = undefined;
    const { service: second } = await start(yaml);
    const listener = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(gatewayPort, '127.0.0.1', resolve));
    try {
      await second.monitors.checkNow(second.monitors.byName('gateway')?.id as number);
      await until('the held alert released', messages, (m) => m.includes('/team behind is down'));
      expect(messages().filter((m) => m.includes('behind'))).toEqual(['/team behind is down']);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('holds alerts in a maintenance window, counts its checks as maintenance, and tells of an outage outliving it', async () => {
    const receiver = await providerServer(() => ({ status: 204 }));
    closeReceiver = receiver.close;
    const now = Date.now();
    const end = new Date(now + 4000).toISOString();
    const { service } = await start(
      [
        'channels:',
        `  team: { type: webhook, url: "${receiver.url}/team" }`,
        'maintenance:',
        `  - { name: deploy, monitors: [api], start: "${new Date(now - 60_000).toISOString()}", end: "${end}" }`,
        'monitors:',
        '  - { kind: tcp, name: api, target: "127.0.0.1:2", intervalSec: 1, consecutiveFails: 1, notify: [team] }',
        '',
      ].join('\n'),
    );
    const id = service.monitors.byName('api')?.id as number;
    await until(
      'down in maintenance',
      () => service.monitors.get(id),
      (m) => m.status === 'down',
    );
    expect(service.monitors.get(id).maintenance).toBe('deploy');
    expect((await service.store.listDeliveries({ monitorId: id }))[0]).toMatchObject({
      status: 'held',
      heldReason: 'maintenance window "deploy" was on',
    });
    const during = await service.store.listResults(id, { from: now - 60_000, to: Date.parse(end) });
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((r) => r.maintenance && r.status === 'down')).toBe(true);
    const windowUptime = await service.store.uptime(id, { from: now - 60_000, to: Date.parse(end) - 1000 });
    expect(windowUptime).toMatchObject({ down: 0, up: 0, uptime: null });
    expect(windowUptime.maintenance).toBe(windowUptime.checks);
    expect(receiver.received).toEqual([]);

    // Still down after the window: the held alert goes out, saying why it is late; checks count as down again.
    const sent = await until(
      'the held alert released',
      () => receiver.received.map((r) => JSON.parse(r.body)),
      (bodies) => bodies.length > 0,
    );
    expect(sent.map((b) => b.title)).toEqual(['api is down']);
    expect(sent[0].body).toContain('Sent late: held while maintenance window "deploy" was on');
    expect(service.monitors.get(id).maintenance).toBeNull();
    const after = await service.store.listResults(id, { from: Date.parse(end), to: Date.now() + 1 });
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => !r.maintenance)).toBe(true);
  });

  it('names routes, notify lists, dependsOn and status page items that point at nothing', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line).msg) });
    const { service } = await start(
      [
        'statusPages:',
        '  - { slug: public, title: Public, items: [{ monitor: a }, { monitor: gone }, { group: nobody }] }',
        'channels:',
        '  team: { type: webhook, url: "http://127.0.0.1:1/hook" }',
        'routes:',
        '  - { channels: [team, pagr] }',
        'monitors:',
        '  - { kind: tcp, name: a, target: "127.0.0.1:1", intervalSec: 60, notify: [mail], dependsOn: [gatway] }',
        '',
      ].join('\n'),
      log,
    );
    const specs = service.monitors
      .list()
      .map((m) => service.monitors.spec(m.id))
      .filter((s) => s !== undefined);
    expect(service.alerting.danglingReferences(specs, (n) => !!service.monitors.findByName(n))).toEqual([
      'channel "pagr" is named by a route or a notify list but not defined: add it under channels:',
      'channel "mail" is named by a route or a notify list but not defined: add it under channels:',
      'a: dependsOn names "gatway", which is not a monitor: its alerts are never held',
    ]);
    expect(lines.filter((l) => l.includes('status page'))).toEqual([
      'mcpwatch.yaml: status page "public": items.1.monitor: there is no monitor "gone": it is left off the page',
      'mcpwatch.yaml: status page "public": items.2.group: no monitor is in the group "nobody"',
    ]);
  });

  it('restarts a kept-alive stdio server that dies, and records the restart as an event', async () => {
    const { service } = await start(
      [
        'monitors:',
        '  - kind: mcp',
        '    name: fragile',
        `    target: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(FAILS_LATER)}, exit] }`,
        '    mode: keepalive',
        '    intervalSec: 1',
        '    consecutiveFails: 1',
        '',
      ].join('\n'),
    );
    const id = service.monitors.list()[0]?.id as number;
    const events = await until(
      'a restart event',
      () => service.store.listEvents({ monitorId: id }),
      (list) => list.some((e) => e.kind === 'process_restarted'),
    );
    const restart = events.find((e) => e.kind === 'process_restarted');
    expect(restart?.evidence).toMatchObject({ attempt: 1, exitCode: 7, reason: 'process_exited' });
    expect(restart?.evidence.stderrTail).toContain('fatal: heap out of memory');
    // The death itself was a failed check: the monitor went down on it.
    expect(events.some((e) => e.kind === 'down')).toBe(true);
    // The monitor page shows the server's last words from the last check, without a check of its own.
    const last = await until(
      'a check that saw stderr',
      () => service.monitors.get(id).lastCheck,
      (l) => (l?.stderr?.length ?? 0) > 0,
    );
    expect(last?.stderr?.join('\n')).toContain('fatal: heap out of memory');
  });
});
