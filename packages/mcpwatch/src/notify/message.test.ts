import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../store/index.js';
import { buildNotification, type MessageMonitor } from './message.js';
import { fill } from './template.js';

const monitor: MessageMonitor = {
  id: 7,
  name: 'docs-search',
  group: 'prod',
  tags: ['mcp'],
  target: 'https://mcp.example.com/mcp',
};

function event(
  kind: string,
  evidence: Record<string, unknown>,
  extra: Partial<StoredEvent> = {},
): StoredEvent {
  return {
    id: 41,
    monitorId: 7,
    at: Date.UTC(2026, 10, 22, 10),
    kind,
    from: null,
    to: null,
    incident: null,
    evidence,
    ...extra,
  };
}

const down = event(
  'down',
  {
    cause: {
      status: 'down',
      reason: 'process_exited',
      phase: 'handshake',
      message: 'The server exited with code 1',
    },
    failures: 3,
    stderrTail: ['starting', 'Error: ENOENT config.json'],
  },
  { from: 'up', to: 'down', incident: 'opened' },
);

describe('messages', () => {
  it('say which server, what failed, how, and the last server output, at priority 9', () => {
    const n = buildNotification(down, monitor, { baseUrl: 'https://watch.example.com/', incidentId: 3 });
    expect(n).toMatchObject({
      kind: 'down',
      state: 'firing',
      priority: 9,
      title: 'docs-search is down',
      link: 'https://watch.example.com/monitors/7',
      dedupKey: 'mcpwatch-7-incident-3',
      eventId: down.id,
      at: '2026-11-22T10:00:00.000Z',
    });
    expect(n.body).toBe(
      'The server exited with code 1\nReason: process_exited, phase handshake\nFailed 3 checks in a row.\nLast server output:\nstarting\nError: ENOENT config.json',
    );
    expect(n.facts).toContainEqual({ label: 'Reason', value: 'process_exited' });
  });

  it("take the seed's alertMessage as the body, and a channel's template over the monitor's", () => {
    const seeded = { ...monitor, alertMessage: 'MCP server is not answering: Claude loses its tools' };
    expect(buildNotification(down, seeded).body).toBe('MCP server is not answering: Claude loses its tools');
    const templated = { ...seeded, templates: { down: { title: 'DOWN {{monitor.name}}' } } };
    expect(buildNotification(down, templated).title).toBe('DOWN docs-search');
    const channel = { down: { title: '[{{monitor.group}}] {{monitor.name}}: {{cause.reason}}' } };
    expect(buildNotification(down, templated, { channelTemplates: channel }).title).toBe(
      '[prod] docs-search: process_exited',
    );
  });

  it('list the dependents whose alerts were held', () => {
    const n = buildNotification(down, monitor, { dependentsDown: ['search-a', 'search-b'] });
    expect(n.body).toContain('Also down, alerts held: search-a, search-b');
    expect(n.facts).toContainEqual({ label: 'Also down (held)', value: 'search-a, search-b' });
  });

  it('show the tools before and after, louder when a description reads like instructions', () => {
    const diff = {
      added: [{ name: 'delete_repo' }],
      removed: ['search'],
      changed: [{ name: 'fetch', description: { possiblePoisoning: true, level: 'suspicious' } }],
    };
    const n = buildNotification(
      event('tools_changed', { summary: '1 added, 1 removed, 1 changed', diff }),
      monitor,
    );
    expect(n.priority).toBe(8);
    expect(n.state).toBe('info');
    expect(n.body).toContain('possible tool poisoning');
    expect(n.body).toContain('Tools before: search, fetch');
    expect(n.body).toContain('Tools now: delete_repo, fetch');
    const calm = {
      ...diff,
      changed: [{ name: 'fetch', description: { possiblePoisoning: true, level: 'notice' } }],
    };
    expect(buildNotification(event('tools_changed', { summary: 's', diff: calm }), monitor).priority).toBe(6);
  });

  it('resolve on recovery, at the priority of a release for a new version', () => {
    const recovered = event(
      'recovered',
      { cause: { status: 'up', message: 'up again' } },
      { incident: 'resolved' },
    );
    expect(buildNotification(recovered, monitor, { incidentId: 3 })).toMatchObject({
      state: 'resolved',
      dedupKey: 'mcpwatch-7-incident-3',
    });
    const release = buildNotification(
      event('package_released', { name: '@x/server', from: '1.0.0', to: '1.1.0' }),
      monitor,
    );
    expect(release).toMatchObject({ priority: 4, state: 'info', title: '@x/server 1.1.0 released' });
    expect(release.dedupKey).toBe('mcpwatch-7-event-41');
  });
});

describe('deduplication keys', () => {
  it('pair a degraded spell with its recovery, and a flapping spell with its end, without an incident', () => {
    const degraded = buildNotification(
      event('degraded', { cause: { status: 'degraded', message: 'slow' } }),
      monitor,
    );
    const back = buildNotification(
      event('recovered', {
        cause: { status: 'up', message: 'ok' },
        unhealthySince: '2026-11-22T10:00:00.000Z',
      }),
      monitor,
    );
    expect(back.dedupKey).toBe(degraded.dedupKey);
    const started = buildNotification(event('flapping_started', { changes: 4, windowSec: 1800 }), monitor);
    const stopped = buildNotification(
      event('flapping_stopped', { flappingSince: '2026-11-22T10:00:00.000Z', changesWhileFlapping: 6 }),
      monitor,
    );
    expect(stopped.dedupKey).toBe(started.dedupKey);
    expect(stopped.state).toBe('resolved');
  });

  it('sum up the dependents held during an outage in its recovery, the first twenty by name', () => {
    const names = Array.from({ length: 25 }, (_, i) => `dep-${i + 1}`);
    const back = buildNotification(event('recovered', { cause: { status: 'up', message: 'ok' } }), monitor, {
      dependentsHeld: names,
    });
    expect(back.body).toContain(
      `Alerts held while it was down: ${names.slice(0, 20).join(', ')}, and 5 more`,
    );
    expect(back.facts).toContainEqual({
      label: 'Held while down',
      value: `${names.slice(0, 20).join(', ')}, and 5 more`,
    });
    const alone = buildNotification(event('recovered', { cause: { status: 'up', message: 'ok' } }), monitor);
    expect(alone.body).not.toContain('held');
  });
});

describe('templates', () => {
  it('fill fields, leave nothing for missing ones, and drop lines whose fields are all empty', () => {
    expect(fill('{{a}} and {{b.c}}', { a: 1, b: { c: 'x' } })).toBe('1 and x');
    expect(fill('Reason: {{missing}}\nKept {{a}}', { a: 'yes' })).toBe('Kept yes');
    expect(fill('{{constructor}} {{__proto__.x}}', {})).toBe('');
    expect(fill('Held: {{list}}\nend', { list: [] })).toBe('end');
  });
});
