import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreHarness } from './store.contract.js';
import type { Store } from './store.js';

const T0 = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;

/** Status pages, API maintenance windows and incident updates, the same on every dialect. */
export function statusPageContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`Status page store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: Store;
    let seq = 0;

    beforeEach(async () => {
      harness = await makeHarness();
      store = await harness.open();
    });
    afterEach(async () => {
      await store.close().catch(() => {});
      await harness.dispose();
    });

    const monitor = () =>
      store.createMonitor(
        { key: `m${++seq}`, name: `m${seq}`, kind: 'tcp', target: 'h:1', config: {}, source: 'api' },
        T0,
      );

    /** Opens an incident the way a check does: through an event that says so. */
    const openIncident = async (monitorId: number, at: number) => {
      const state = await store.getState(monitorId);
      await store.setState(
        monitorId,
        state?.version ?? 0,
        { status: 'down', since: at, lastCheckAt: at, data: {} },
        [{ kind: 'down', at, incident: 'opened', evidence: { reason: 'timeout' } }],
      );
      const [incident] = await store.listIncidents({ monitorId, open: true });
      return incident?.id as number;
    };

    it('keeps status pages by slug: a taken slug is refused, updates and deletes by slug', async () => {
      const page = await store.createStatusPage('public', { title: 'Public', items: [{ monitor: 'a' }] }, T0);
      expect(page).toMatchObject({
        slug: 'public',
        config: { title: 'Public' },
        createdAt: T0,
        updatedAt: T0,
      });
      expect(await store.createStatusPage('public', { title: 'Again' }, T0)).toBeUndefined();
      await store.createStatusPage('another', { title: 'Another' }, T0);
      expect((await store.listStatusPages()).map((p) => p.slug)).toEqual(['another', 'public']);
      const updated = await store.updateStatusPage('public', { title: 'Changed' }, T0 + 1);
      expect(updated).toMatchObject({ config: { title: 'Changed' }, createdAt: T0, updatedAt: T0 + 1 });
      expect(await store.updateStatusPage('nope', {}, T0)).toBeUndefined();
      expect((await store.getStatusPage('public'))?.config).toEqual({ title: 'Changed' });
      expect(await store.deleteStatusPage('public')).toBe(true);
      expect(await store.deleteStatusPage('public')).toBe(false);
      expect(await store.getStatusPage('public')).toBeUndefined();
    });

    it('keeps maintenance windows by id', async () => {
      const config = { name: 'deploy', monitors: ['a'], schedule: '0 3 * * *', durationMin: 30 };
      const window = await store.createMaintenance('deploy', config, T0);
      expect(window).toMatchObject({ name: 'deploy', config, createdAt: T0 });
      expect(await store.getMaintenance(window.id)).toEqual(window);
      const changed = await store.updateMaintenance(
        window.id,
        'deploy2',
        { ...config, name: 'deploy2' },
        T0 + 5,
      );
      expect(changed).toMatchObject({ id: window.id, name: 'deploy2', updatedAt: T0 + 5 });
      expect(await store.updateMaintenance(window.id + 100, 'x', {}, T0)).toBeUndefined();
      expect((await store.listMaintenance()).map((w) => w.name)).toEqual(['deploy2']);
      expect(await store.deleteMaintenance(window.id)).toBe(true);
      expect(await store.listMaintenance()).toEqual([]);
    });

    it('keeps incident updates in order, public ones apart, and drops them with their monitor', async () => {
      const m = await monitor();
      const incidentId = await openIncident(m.id, T0);
      const base = { incidentId, message: 'looking', public: true, author: 'ann' } as const;
      await store.addIncidentUpdate({ ...base, at: T0 + 2000, status: 'identified', message: 'found it' });
      await store.addIncidentUpdate({ ...base, at: T0 + 1000, status: 'investigating' });
      await store.addIncidentUpdate({
        ...base,
        at: T0 + 3000,
        status: 'monitoring',
        public: false,
        author: null,
      });
      expect(
        await store.addIncidentUpdate({ ...base, incidentId: incidentId + 99, at: T0, status: 'resolved' }),
      ).toBe(undefined);
      const all = await store.listIncidentUpdates([incidentId]);
      expect(all.map((u) => [u.status, u.public, u.author])).toEqual([
        ['investigating', true, 'ann'],
        ['identified', true, 'ann'],
        ['monitoring', false, null],
      ]);
      expect((await store.listIncidentUpdates([incidentId], { publicOnly: true })).length).toBe(2);
      expect(await store.listIncidentUpdates([])).toEqual([]);
      await store.deleteMonitor(m.id);
      expect(await store.listIncidentUpdates([incidentId])).toEqual([]);
    });

    it('sums day rollups per monitor and day, counts only', async () => {
      const [a, b] = [await monitor(), await monitor()];
      const check = (monitorId: number, at: number, status: 'up' | 'down') => ({
        monitorId,
        result: { startedAt: at, status, message: status, durationMs: 10, timings: {} },
      });
      await store.recordResults([
        check(a.id, T0 - DAY + 1000, 'up'),
        check(a.id, T0 - DAY + 2000, 'down'),
        check(a.id, T0 + 1000, 'up'),
        check(b.id, T0 - 5 * DAY, 'up'),
        { monitorId: b.id, result: { ...check(b.id, T0 - DAY, 'down').result, maintenance: true } },
      ]);
      const rows = await store.dayCounts([a.id, b.id], { from: T0 - 2 * DAY, to: T0 + DAY });
      const sorted = rows.sort((x, y) => x.monitorId - y.monitorId || x.bucketStart - y.bucketStart);
      expect(sorted).toEqual([
        { monitorId: a.id, bucketStart: T0 - DAY, checks: 2, up: 1, degraded: 0, down: 1, maintenance: 0 },
        { monitorId: a.id, bucketStart: T0, checks: 1, up: 1, degraded: 0, down: 0, maintenance: 0 },
        { monitorId: b.id, bucketStart: T0 - DAY, checks: 1, up: 0, degraded: 0, down: 0, maintenance: 1 },
      ]);
      expect(await store.dayCounts([], { from: 0, to: T0 })).toEqual([]);
    });

    it('lists the incidents of some monitors: open ones whenever opened, resolved ones since a time', async () => {
      const [a, b, c] = [await monitor(), await monitor(), await monitor()];
      const old = await openIncident(a.id, T0 - 30 * DAY);
      const recent = await openIncident(b.id, T0 - DAY);
      await openIncident(c.id, T0);
      const state = await store.getState(b.id);
      await store.setState(
        b.id,
        state?.version ?? 0,
        { status: 'up', since: T0, lastCheckAt: T0, data: {} },
        [{ kind: 'recovered', at: T0, incident: 'resolved', evidence: {} }],
      );
      const found = await store.listIncidentsOf([a.id, b.id], T0 - 7 * DAY);
      expect(found.map((i) => i.id)).toEqual([recent, old]);
      expect(found[0]?.resolvedAt).toBe(T0);
      expect((await store.listIncidentsOf([b.id], T0 + DAY)).length).toBe(0);
      expect(await store.listIncidentsOf([], 0)).toEqual([]);
    });
  });
}
