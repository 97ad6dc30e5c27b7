import type { Incident, StoredEvent } from '../api/types.ts';

export interface TimelineItem {
  key: string;
  at: number;
  /** The event kind, or `incident_opened` / `incident_closed` for the incident records. */
  kind: string;
  title: string;
  detail?: string;
  tone: 'good' | 'bad' | 'warn' | 'info';
  event?: StoredEvent;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function causeText(evidence: Record<string, unknown> | null): string | undefined {
  const cause = evidence?.cause;
  if (typeof cause === 'string') return cause;
  if (cause && typeof cause === 'object') {
    const c = cause as Record<string, unknown>;
    return str(c.message) ?? str(c.reason) ?? str(c.code);
  }
  return undefined;
}

/** One event in words: a title, a line of detail, and whether it is good or bad news. */
export function describeEvent(e: StoredEvent): Omit<TimelineItem, 'key' | 'at' | 'kind' | 'event'> {
  const ev = e.evidence ?? {};
  switch (e.kind) {
    case 'down':
      return { title: 'Down', detail: causeText(ev), tone: 'bad' };
    case 'degraded':
      return { title: 'Degraded', detail: causeText(ev), tone: 'warn' };
    case 'recovered':
      return { title: 'Recovered', detail: causeText(ev), tone: 'good' };
    case 'paused':
      return { title: 'Paused', tone: 'info' };
    case 'resumed':
      return { title: 'Resumed', tone: 'info' };
    case 'flapping_started':
      return {
        title: 'Flapping started',
        detail: `${ev.changes ?? '?'} changes in ${ev.windowSec ?? '?'} s`,
        tone: 'warn',
      };
    case 'flapping_stopped':
      return { title: 'Flapping stopped', tone: 'good' };
    case 'tools_changed':
      return { title: 'Tools changed', detail: str(ev.summary), tone: 'warn' };
    case 'server_version_changed':
      return { title: 'Server version changed', detail: `${ev.from ?? '?'} → ${ev.to ?? '?'}`, tone: 'info' };
    case 'protocol_changed':
      return { title: 'Protocol changed', detail: protocolText(ev), tone: 'info' };
    case 'tls_expiring':
      return { title: 'Certificate expiring', detail: `${ev.daysLeft ?? '?'} days left`, tone: 'warn' };
    case 'package_released':
      return {
        title: 'Package released',
        detail: `${ev.name ?? ''} ${ev.from ?? '?'} → ${ev.to ?? '?'}`,
        tone: 'info',
      };
    case 'heartbeat_missed':
      return { title: 'Heartbeat missed', tone: 'bad' };
    case 'process_restarted':
      return { title: 'Process restarted', detail: `attempt ${ev.attempt ?? '?'}`, tone: 'warn' };
    case 'incident_resolved':
      return { title: 'Incident resolved by hand', detail: str(ev.by), tone: 'good' };
    case 'reminder':
      return { title: 'Reminder sent', detail: `reminder ${ev.count ?? '?'}`, tone: 'info' };
    default:
      return { title: e.kind.replaceAll('_', ' '), tone: 'info' };
  }
}

function protocolText(ev: Record<string, unknown>): string {
  const side = (v: unknown) => {
    const p = (v ?? {}) as Record<string, unknown>;
    return [p.version, p.era, p.transport].filter(Boolean).join(' ');
  };
  return `${side(ev.from)} → ${side(ev.to)}`;
}

/** Events and incidents on one line of time, newest first. */
export function timeline(events: readonly StoredEvent[], incidents: readonly Incident[]): TimelineItem[] {
  const items: TimelineItem[] = events.map((event) => ({
    key: `e${event.id}`,
    at: event.at,
    kind: event.kind,
    event,
    ...describeEvent(event),
  }));
  for (const i of incidents) {
    items.push({
      key: `i${i.id}o`,
      at: i.openedAt,
      kind: 'incident_opened',
      title: `Incident #${i.id} opened`,
      detail: i.cause ?? undefined,
      tone: 'bad',
    });
    if (i.resolvedAt !== null) {
      items.push({
        key: `i${i.id}c`,
        at: i.resolvedAt,
        kind: 'incident_closed',
        title: `Incident #${i.id} resolved`,
        detail: i.note ?? undefined,
        tone: 'good',
      });
    }
  }
  return items.sort((a, b) => b.at - a.at || b.key.localeCompare(a.key));
}

/** The tool-list snapshots the events name, oldest first, each with when it was first seen. */
export function toolSnapshots(events: readonly StoredEvent[]): { hash: string; at: number }[] {
  const seen = new Map<string, number>();
  const sorted = [...events].filter((e) => e.kind === 'tools_changed').sort((a, b) => a.at - b.at);
  for (const e of sorted) {
    const prev = str(e.evidence?.previousHash);
    const cur = str(e.evidence?.currentHash);
    if (prev && !seen.has(prev)) seen.set(prev, e.at - 1);
    if (cur) seen.set(cur, e.at);
  }
  return [...seen].map(([hash, at]) => ({ hash, at })).sort((a, b) => a.at - b.at);
}
