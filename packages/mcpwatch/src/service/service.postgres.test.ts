import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorSchema } from '../config/monitor-schema.js';
import { openStore, redactUrl } from '../store/index.js';
import { until } from '../test-fixtures/until.js';
import { Service } from './service.js';

/**
 * The service on PostgreSQL: the store contract proves each query on both dialects; this proves the
 * service's own writes (a check with its incident, a heartbeat with its deadline) go through there too.
 */
const URL = process.env.MCPWATCH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function query(text: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

const unreachable = await query('select 1');
const schema = `svc_${randomBytes(6).toString('hex')}`;

if (unreachable === undefined) {
  describe('the service on PostgreSQL', () => {
    let service: Service;

    beforeAll(async () => {
      service = await Service.start({
        store: await openStore(URL, { schema }),
        log: pino({ level: 'silent' }),
      });
    });

    afterAll(async () => {
      await service?.stop(1000);
      await query(`drop schema if exists "${schema}" cascade`);
    });

    it('opens one incident for a monitor that goes down', async () => {
      const created = await service.monitors.create(
        monitorSchema.parse({
          kind: 'tcp',
          name: 'refused',
          target: '127.0.0.1:1',
          intervalSec: 1,
          consecutiveFails: 1,
        }),
      );
      await until(
        'down',
        async () => service.monitors.get(created.id).status,
        (s) => s === 'down',
      );
      await service.monitors.checkNow(created.id);
      const incidents = await service.store.listIncidents({ monitorId: created.id });
      expect(incidents).toHaveLength(1);
      expect(incidents[0]?.resolvedAt).toBeNull();
      const results = await service.store.listResults(created.id, { from: 0, to: Date.now() + 1 });
      expect(results.length).toBeGreaterThanOrEqual(2);
      expect(results.every((r) => r.reason === 'connect_refused')).toBe(true);
    });

    it('takes heartbeats and keeps their deadline in the store', async () => {
      const created = await service.monitors.create(
        monitorSchema.parse({ kind: 'heartbeat', name: 'job', mode: 'period', periodSec: 600, graceSec: 60 }),
      );
      const token = await service.heartbeats.issueToken(created.id);
      const before = Date.now();
      expect(await service.heartbeats.ping(token, { kind: 'success' })).toBe(true);
      expect(service.monitors.get(created.id).status).toBe('up');
      const due = await service.store.heartbeatsDue(Date.now() + 661_000);
      const row = due.find((h) => h.monitorId === created.id);
      expect(row?.deadlineAt).toBeGreaterThanOrEqual(before + 660_000);
      expect(await service.heartbeats.ping('x'.repeat(32), { kind: 'success' })).toBe(false);
    });
  });
} else if (process.env.CI === 'true') {
  describe('the service on PostgreSQL', () => {
    it('needs PostgreSQL under CI', () => {
      throw new Error(
        `PostgreSQL at ${redactUrl(URL)} is unreachable (${unreachable}); CI must run these tests.`,
      );
    });
  });
} else {
  console.log(`Skipping the service on PostgreSQL: ${redactUrl(URL)} is unreachable (${unreachable}).`);
  describe.skip('the service on PostgreSQL (unreachable)', () => {
    it('runs against a reachable PostgreSQL', () => {});
  });
}
