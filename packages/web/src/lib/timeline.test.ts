import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../api/types.ts';
import { timeline, toolSnapshots } from './timeline.ts';

const event = (
  id: number,
  at: number,
  kind: string,
  evidence: Record<string, unknown> = {},
): StoredEvent => ({
  id,
  monitorId: 1,
  at,
  kind,
  from: null,
  to: null,
  incident: null,
  evidence,
});

describe('timeline', () => {
  it('merges events and incidents, newest first', () => {
    const items = timeline(
      [event(1, 100, 'down', { cause: { reason: 'timeout' } }), event(2, 300, 'recovered')],
      [
        {
          id: 7,
          monitorId: 1,
          openedAt: 101,
          resolvedAt: 300,
          cause: 'timeout',
          acknowledgedBy: null,
          acknowledgedAt: null,
          note: 'restarted',
        },
      ],
    );
    expect(items.map((i) => [i.kind, i.title, i.detail])).toEqual([
      ['incident_closed', 'Incident #7 resolved', 'restarted'],
      ['recovered', 'Recovered', undefined],
      ['incident_opened', 'Incident #7 opened', 'timeout'],
      ['down', 'Down', 'timeout'],
    ]);
  });
  it('lists the tool snapshots in the order they were seen', () => {
    const snaps = toolSnapshots([
      event(3, 200, 'tools_changed', { previousHash: 'b', currentHash: 'a' }),
      event(2, 100, 'tools_changed', { previousHash: 'a', currentHash: 'b' }),
    ]);
    expect(snaps.map((s) => s.hash)).toEqual(['b', 'a']);
  });
});
