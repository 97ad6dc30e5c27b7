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

async function start(yaml: string): Promise<{ file: string; service: Service }> {
  const file = path.join(dir, 'mcpwatch.yaml');
  writeFileSync(file, yaml);
  service = await Service.start({
    store: await openStore(path.join(dir, 'mcpwatch.db')),
    log: pino({ level: 'silent' }),
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
    expect(service.readiness().config).toBe(false);
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
        // Three failures: down after gateway has been seen down (a dependent that fails first still alerts).
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
    const deliveries = await service.store.listDeliveries({ limit: 10 });
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
    // Nothing was sent about the dependent itself while the gateway was down.
    expect(messages().some((m) => m.includes('behind is'))).toBe(false);

    // The gateway comes back; the dependent does not: its held alert goes out now, never lost.
    const listener = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(gatewayPort, '127.0.0.1', resolve));
    try {
      await until('the held alert released', messages, (m) => m.includes('/team behind is still down'));
      expect(messages()).toContain('/team gateway recovered');
      const held = receiver.received
        .map((r) => JSON.parse(r.body))
        .find((b) => b.title === 'behind is still down');
      expect(held.body).toContain('held while gateway was down');
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('names routes, notify lists and dependsOn that point at nothing', async () => {
    const { service } = await start(
      [
        'channels:',
        '  team: { type: webhook, url: "http://127.0.0.1:1/hook" }',
        'routes:',
        '  - { channels: [team, pagr] }',
        'monitors:',
        '  - { kind: tcp, name: a, target: "127.0.0.1:1", intervalSec: 60, notify: [mail], dependsOn: [gatway] }',
        '',
      ].join('\n'),
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
  });
});
