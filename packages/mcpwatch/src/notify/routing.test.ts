import { describe, expect, it } from 'vitest';
import { maintenanceSchema, routeSchema } from '../config/alerting-schema.js';
import { maintenanceAt } from './maintenance.js';
import { channelsFor, type RoutingInput } from './routing.js';

const monitor = { name: 'docs-search', group: 'prod', tags: ['mcp', 'team-a'], notify: ['owner'] };
const routes = [
  routeSchema.parse({ groups: ['prod'], minPriority: 7, channels: ['pager'] }),
  routeSchema.parse({ tags: ['team-a'], channels: ['slack', 'owner'] }),
  routeSchema.parse({ kinds: ['package_released'], channels: ['releases'] }),
  routeSchema.parse({ monitors: ['other'], channels: ['nobody'] }),
];
const base: RoutingInput = {
  kind: 'down',
  priority: 9,
  monitor,
  routes,
};

describe('routing', () => {
  it('sends to the monitor’s own channels and every matching route, each channel once', () => {
    expect(channelsFor(base)).toEqual(['owner', 'pager', 'slack']);
    expect(channelsFor({ ...base, kind: 'server_version_changed', priority: 4 })).toEqual(['owner', 'slack']);
    expect(channelsFor({ ...base, kind: 'package_released', priority: 4 })).toEqual([
      'owner',
      'slack',
      'releases',
    ]);
  });

  it('keeps pause and resume quiet unless a route asks for them', () => {
    expect(channelsFor({ ...base, kind: 'paused' })).toEqual([]);
    const asked = [routeSchema.parse({ kinds: ['paused'], channels: ['audit'] })];
    expect(channelsFor({ ...base, kind: 'paused', routes: asked })).toEqual(['audit']);
  });
});

describe('maintenance windows', () => {
  const scoped = { name: 'docs-search', group: 'prod', tags: ['mcp'] };
  it('cover a one-off span, end excluded, for the monitors they name', () => {
    const w = maintenanceSchema.parse({
      name: 'upgrade',
      groups: ['prod'],
      start: '2026-11-22T10:00:00Z',
      end: '2026-11-22T11:00:00Z',
    });
    expect(maintenanceAt([w], scoped, Date.parse('2026-11-22T10:30:00Z'))?.name).toBe('upgrade');
    expect(maintenanceAt([w], scoped, Date.parse('2026-11-22T11:00:00Z'))).toBeUndefined();
    expect(
      maintenanceAt([w], { ...scoped, group: 'dev' }, Date.parse('2026-11-22T10:30:00Z')),
    ).toBeUndefined();
  });

  it('recur on a cron schedule for their duration, in their time zone', () => {
    const w = maintenanceSchema.parse({
      name: 'nightly',
      schedule: '0 2 * * *',
      durationMin: 30,
      timezone: 'Europe/Paris',
    });
    // 02:00 in Paris in November is 01:00 UTC.
    expect(maintenanceAt([w], scoped, Date.parse('2026-11-22T01:00:00Z'))?.name).toBe('nightly');
    expect(maintenanceAt([w], scoped, Date.parse('2026-11-22T01:29:59Z'))?.name).toBe('nightly');
    expect(maintenanceAt([w], scoped, Date.parse('2026-11-22T01:30:00Z'))).toBeUndefined();
    expect(maintenanceAt([w], scoped, Date.parse('2026-11-22T00:59:00Z'))).toBeUndefined();
  });

  it('refuse half-given windows with the field to fix', () => {
    expect(
      maintenanceSchema.safeParse({ name: 'x', start: '2026-11-22T10:00:00Z' }).error?.issues[0]?.path,
    ).toEqual(['end']);
    expect(maintenanceSchema.safeParse({ name: 'x', schedule: '0 2 * * *' }).error?.issues[0]?.path).toEqual([
      'durationMin',
    ]);
  });
});
