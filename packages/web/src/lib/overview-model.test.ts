import { describe, expect, it } from 'vitest';
import type { LiveResult, Monitor } from '../api/types.ts';
import { allTags, applyResults, countByStatus, listItems } from './overview-model.ts';

const monitor = (id: number, over: Partial<Monitor> = {}): Monitor => ({
  id,
  name: `m${id}`,
  kind: 'mcp',
  target: `http://h${id}/mcp`,
  group: null,
  tags: [],
  enabled: true,
  source: 'api',
  readOnly: null,
  intervalSec: 60,
  status: 'up',
  since: 0,
  incidentOpen: false,
  flapping: false,
  lastCheck: null,
  problem: null,
  maintenance: null,
  ...over,
});

const list = [
  monitor(1, { name: 'alpha', group: 'prod', tags: ['mcp'] }),
  monitor(2, { name: 'beta', status: 'down', group: 'prod' }),
  monitor(3, { name: 'gamma', status: 'paused', tags: ['mcp', 'stdio'] }),
  monitor(4, { name: 'delta', group: 'dev', status: 'degraded' }),
];
const none = { q: '', status: '', tag: '', grouped: false } as const;
const names = (items: ReturnType<typeof listItems>) =>
  items.map((i) => (i.type === 'group' ? `[${i.name}]` : i.monitor.name));

describe('overview model', () => {
  it('counts by status and lists tags', () => {
    expect(countByStatus(list)).toEqual({ up: 1, down: 1, degraded: 1, pending: 0, paused: 1 });
    expect(allTags(list)).toEqual(['mcp', 'stdio']);
  });
  it('sorts the worst first', () => {
    expect(names(listItems(list, none))).toEqual(['beta', 'delta', 'alpha', 'gamma']);
  });
  it('filters by words, state and tag', () => {
    expect(names(listItems(list, { ...none, q: 'PROD al' }))).toEqual(['alpha']);
    expect(names(listItems(list, { ...none, q: 'h3' }))).toEqual(['gamma']);
    expect(names(listItems(list, { ...none, status: 'down' }))).toEqual(['beta']);
    expect(names(listItems(list, { ...none, tag: 'mcp' }))).toEqual(['alpha', 'gamma']);
  });
  it('groups under headings, the ungrouped last', () => {
    expect(names(listItems(list, { ...none, grouped: true }))).toEqual([
      '[dev]',
      'delta',
      '[prod]',
      'beta',
      'alpha',
      '[No group]',
      'gamma',
    ]);
  });
  it('applies live results, ignoring older ones', () => {
    const index = new Map(list.map((m, i) => [m.id, i]));
    const result: LiveResult = {
      monitorId: 1,
      name: 'alpha',
      at: 10,
      status: 'down',
      reason: 'timeout',
      message: 'timed out',
      durationMs: 5000,
      maintenance: false,
      state: 'down',
    };
    const next = applyResults(list, index, [result, { ...result, monitorId: 99 }]) as Monitor[];
    expect(next[0]).toMatchObject({ status: 'down', since: 10, lastCheck: { reason: 'timeout', at: 10 } });
    expect(next[1]).toBe(list[1]);
    expect(applyResults(next, index, [{ ...result, at: 5, state: 'up' }])).toBeUndefined();
  });
});
