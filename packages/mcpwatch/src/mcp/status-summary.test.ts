import { describe, expect, it } from 'vitest';
import type { MonitorView } from '../service/monitor-view.js';
import { unknownMonitor } from './monitor-names.js';
import { summarize, summaryText } from './status-summary.js';

const at = Date.parse('2026-11-22T10:00:00Z');

function monitor(name: string, status: MonitorView['status'], extra: Partial<MonitorView> = {}): MonitorView {
  return {
    id: name.length,
    name,
    kind: 'mcp',
    target: `https://${name}.example/mcp`,
    group: null,
    tags: [],
    enabled: true,
    source: 'api',
    readOnly: null,
    intervalSec: 60,
    status,
    since: at,
    incidentOpen: status === 'down',
    flapping: false,
    lastCheck:
      status === 'up' || status === 'pending'
        ? null
        : {
            at,
            status: status === 'paused' ? 'down' : status,
            reason: 'connect_refused',
            message: 'refused',
            durationMs: 3,
          },
    problem: null,
    maintenance: null,
    ...extra,
  };
}

describe('summarize', () => {
  it('counts by state and lists down before degraded, with the reason', () => {
    const summary = summarize(
      [
        monitor('alpha', 'up'),
        monitor('zeta', 'degraded'),
        monitor('beta', 'down', { maintenance: 'Paused: beta' }),
        monitor('gamma', 'paused'),
      ],
      [],
    );
    expect(summary.counts).toEqual({ pending: 0, up: 1, degraded: 1, down: 1, paused: 1 });
    expect(summary.unhealthy.map((m) => m.name)).toEqual(['beta', 'zeta']);
    expect(summary.unhealthy[0]).toMatchObject({
      reason: 'connect_refused',
      since: '2026-11-22T10:00:00.000Z',
    });
    expect(summary.inMaintenance).toEqual(['beta']);
    expect(summaryText(summary)).toBe(
      [
        '4 monitors: 1 up, 1 degraded, 1 down, 1 paused, 0 pending; 0 open incidents.',
        'beta is down since 2026-11-22T10:00:00.000Z (connect_refused): refused [maintenance: Paused: beta]',
        'zeta is degraded since 2026-11-22T10:00:00.000Z (connect_refused): refused',
      ].join('\n'),
    );
  });
});

describe('unknownMonitor', () => {
  it('names the close names, or says where to find them', () => {
    expect(unknownMonitor('githb', ['github', 'gitlab', 'slack']).message).toBe(
      'No monitor is named "githb". Did you mean "github", "gitlab"?',
    );
    expect(unknownMonitor('payments', ['github']).message).toContain('Call list_monitors');
    expect(unknownMonitor('x', []).message).toContain('No monitors are defined yet');
    expect(unknownMonitor('x', []).code).toBe('not_found');
  });
});
