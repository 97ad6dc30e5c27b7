import type { Templates } from '../config/alerting-schema.js';
import { EVENT_TITLES } from '../state/index.js';
import type { StoredEvent } from '../store/index.js';
import type { Notification, NotificationState, Priority } from './notifier.js';
import { fill } from './template.js';

/** What a message is about, beside the event: the monitor as the service knows it. */
export interface MessageMonitor {
  id: number;
  name: string;
  group: string | null;
  tags: string[];
  target: string;
  /** The seed's per-monitor texts: the body of a down and of a recovered message. */
  alertMessage?: string | undefined;
  recoveryMessage?: string | undefined;
  templates?: Templates | undefined;
}

export interface MessageOptions {
  /** mcpwatch's public URL: the message links to the monitor there. */
  baseUrl?: string | undefined;
  /** The channel's own templates, which win over the monitor's. */
  channelTemplates?: Templates | undefined;
  /** Monitors depending on this one that are down too: their alerts were held and are listed here. */
  dependentsDown?: string[];
  /** On a recovery: the dependents whose alerts were held while it was down (their summary). */
  dependentsHeld?: string[];
  /** Why this message was held before it was released (it comes late): said in the message. */
  heldReason?: string | null;
  /** The incident the event belongs to, so every message about it shares one deduplication key. */
  incidentId?: number | null;
  /** The tools the server exported at its last check that reached them: what the AI loses while it is down. */
  tools?: string[];
  /** The latest check's duration, and the usual one (the median over the last 24 hours). */
  latencyMs?: number | null;
  usualLatencyMs?: number | null;
}

/**
 * How loud each event is, on the seed's 1–10 scale (9 a failed probe, 7 a slow one, 4 a new version).
 * A tool list change that may be tool poisoning, or a certificate about to expire, is louder.
 */
export function priorityOf(event: Pick<StoredEvent, 'kind' | 'evidence'>): Priority {
  const evidence = event.evidence as Record<string, unknown>;
  switch (event.kind) {
    case 'down':
    case 'heartbeat_missed':
    case 'reminder':
      return 9;
    case 'degraded':
    case 'flapping_started':
      return 7;
    case 'tools_changed':
      return suspicious(evidence) ? 8 : 6;
    case 'tls_expiring':
      return Number(evidence.daysLeft) <= 1 ? 8 : 6;
    case 'process_restarted':
    case 'protocol_changed':
      return 6;
    case 'recovered':
    case 'flapping_stopped':
    case 'incident_resolved':
      return 5;
    case 'server_version_changed':
    case 'package_released':
      return 4;
    case 'notice':
      // Chosen by whoever sent it, kept inside the scale.
      return Math.min(10, Math.max(1, Math.round(Number(evidence.priority)) || 5));
    default:
      return 3;
  }
}

const DEFAULTS: Record<string, { title: string; body: string }> = {
  down: {
    title: '{{monitor.name}} is down',
    body: [
      '{{cause.message}}',
      'Reason: {{cause.reason}}, phase {{cause.phase}}',
      'Failed {{failures}} checks in a row.',
      'Tools it exported: {{tools}}',
      'Last server output:\n{{stderr}}',
      'Also down, alerts held: {{dependentsDown}}',
    ].join('\n'),
  },
  degraded: {
    title: '{{monitor.name}} is degraded',
    body: '{{cause.message}}\nReason: {{cause.reason}}, phase {{cause.phase}}\nLatest check {{latencyMs}} ms; usually {{usualLatencyMs}} ms.',
  },
  recovered: {
    title: '{{monitor.name}} recovered',
    body: '{{cause.message}}\nUnhealthy since {{unhealthySince}}.\nAlerts held while it was down: {{dependentsHeld}}',
  },
  tools_changed: {
    title: '{{monitor.name}}: tool list changed',
    body: '{{summary}}\n{{poisoning}}\nTools before: {{toolsBefore}}\nTools now: {{toolsNow}}',
  },
  server_version_changed: {
    title: '{{monitor.name}}: server version {{from}} → {{to}}',
    body: '{{name}} changed from {{from}} to {{to}}.',
  },
  protocol_changed: {
    title: '{{monitor.name}}: protocol changed',
    body: 'From {{from.version}} ({{from.era}}, {{from.transport}}) to {{to.version}} ({{to.era}}, {{to.transport}}).',
  },
  tls_expiring: {
    title: '{{monitor.name}}: TLS certificate expires in {{daysLeft}} days',
    body: 'The certificate for {{subject}} is valid until {{validTo}}.',
  },
  package_released: {
    title: '{{name}} {{to}} released',
    body: 'Previous version: {{from}}.',
  },
  reminder: {
    title: '{{monitor.name}} is still down',
    body: 'Down since {{openedAt}} (reminder {{count}}).\n{{cause}}\nTools it exported: {{tools}}\nAlso down, alerts held: {{dependentsDown}}',
  },
  heartbeat_missed: {
    title: '{{monitor.name}}: heartbeat missed',
    body: 'No ping by {{expectedAt}}.\nLast ping: {{lastPingAt}}',
  },
  flapping_started: {
    title: '{{monitor.name}} is flapping',
    body: '{{changes}} status changes within {{windowSec}} s; further changes are not announced until it settles.',
  },
  notice: { title: '{{title}}', body: '{{message}}\nSent by {{by}}.' },
  process_restarted: {
    title: '{{monitor.name}}: server restarted (attempt {{attempt}})',
    body: 'It ended with exit code {{exitCode}} {{signal}} ({{reason}}).\nLast server output:\n{{stderr}}',
  },
};

/**
 * The message for one event, in plain text from templates: the channel's, else the monitor's, else the
 * seed's alertMessage / recoveryMessage as the body, else the defaults above. Pure: the caller supplies
 * what it knows of the monitor, so a message can be rebuilt for a retry exactly as it was first sent.
 */
export function buildNotification(
  event: StoredEvent,
  monitor: MessageMonitor,
  options: MessageOptions = {},
): Notification {
  const evidence = event.evidence as Record<string, unknown>;
  const context = contextOf(event, monitor, options);
  const fallback = DEFAULTS[event.kind] ?? {
    title: `{{monitor.name}}: ${EVENT_TITLES[event.kind as keyof typeof EVENT_TITLES] ?? event.kind}`,
    body: '',
  };
  const seedBody =
    event.kind === 'down'
      ? monitor.alertMessage
      : event.kind === 'recovered'
        ? monitor.recoveryMessage
        : undefined;
  const chosen = options.channelTemplates?.[event.kind] ?? monitor.templates?.[event.kind];
  const title = fill(chosen?.title ?? fallback.title, context);
  const filled = fill(chosen?.body ?? seedBody ?? fallback.body, context);
  // Whatever the template, a late message says why it is late.
  const body = options.heldReason
    ? `${filled}\nSent late: held while ${options.heldReason}; still failing after that.`.trim()
    : filled;
  const link = options.baseUrl ? `${options.baseUrl.replace(/\/$/, '')}/monitors/${monitor.id}` : undefined;
  return {
    kind: event.kind,
    state: stateOf(event),
    priority: priorityOf(event),
    title: title || `${monitor.name}: ${event.kind}`,
    body,
    facts: factsOf(event.kind, evidence, context),
    monitor: {
      id: monitor.id,
      name: monitor.name,
      group: monitor.group,
      tags: monitor.tags,
      target: monitor.target,
    },
    at: new Date(event.at).toISOString(),
    ...(link ? { link } : {}),
    dedupKey: dedupKeyOf(event, monitor.id, options.incidentId),
    eventId: event.id,
  };
}

/** A description change that reads like instructions to the model (tool-diff's `suspicious` level). */
function suspicious(evidence: Record<string, unknown>): boolean {
  return JSON.stringify(evidence.diff ?? {}).includes('"level":"suspicious"');
}

/** Opening and closing an incident fire and resolve; drift and releases only inform. */
function stateOf(event: StoredEvent): NotificationState {
  if (event.incident === 'resolved' || event.kind === 'recovered' || event.kind === 'flapping_stopped') {
    return 'resolved';
  }
  if (['down', 'degraded', 'heartbeat_missed', 'flapping_started', 'reminder'].includes(event.kind))
    return 'firing';
  return 'info';
}

/**
 * One key per incident (trigger, reminders, resolve share it, so PagerDuty and its kin see one alert). A
 * degraded spell and a flapping spell have no incident, but their end names their start (`unhealthySince`,
 * `flappingSince`), so the start and the end share a key made from it; anything else, one key per event.
 */
function dedupKeyOf(event: StoredEvent, monitorId: number, incidentId: number | null | undefined): string {
  if (incidentId) return `mcpwatch-${monitorId}-incident-${incidentId}`;
  const evidence = event.evidence as { unhealthySince?: string; flappingSince?: string };
  const spell = (what: string, since: number) => `mcpwatch-${monitorId}-${what}-${since}`;
  if (event.kind === 'degraded') return spell('unhealthy', event.at);
  if (event.kind === 'recovered' && evidence.unhealthySince) {
    return spell('unhealthy', Date.parse(evidence.unhealthySince));
  }
  if (event.kind === 'flapping_started') return spell('flapping', event.at);
  if (event.kind === 'flapping_stopped' && evidence.flappingSince) {
    return spell('flapping', Date.parse(evidence.flappingSince));
  }
  return `mcpwatch-${monitorId}-event-${event.id}`;
}

function contextOf(
  event: StoredEvent,
  monitor: MessageMonitor,
  options: MessageOptions,
): Record<string, unknown> {
  const evidence = event.evidence as Record<string, unknown>;
  const diff = evidence.diff as
    | { added?: { name: string }[]; removed?: string[]; changed?: { name: string }[] }
    | undefined;
  const poisoning = suspicious(evidence);
  return {
    ...evidence,
    monitor: { name: monitor.name, group: monitor.group, target: monitor.target, tags: monitor.tags },
    kind: event.kind,
    at: new Date(event.at).toISOString(),
    stderr: Array.isArray(evidence.stderrTail)
      ? (evidence.stderrTail as string[]).slice(-5).join('\n')
      : undefined,
    dependentsDown: shortList(options.dependentsDown),
    dependentsHeld: shortList(options.dependentsHeld),
    tools: options.tools,
    latencyMs:
      options.latencyMs === null || options.latencyMs === undefined
        ? undefined
        : Math.round(options.latencyMs),
    usualLatencyMs:
      options.usualLatencyMs === null || options.usualLatencyMs === undefined
        ? undefined
        : Math.round(options.usualLatencyMs),
    poisoning: poisoning
      ? 'A description changed in a way that can instruct the model: check it before trusting this server (possible tool poisoning).'
      : undefined,
    toolsBefore: diff ? [...(diff.removed ?? []), ...(diff.changed ?? []).map((t) => t.name)] : undefined,
    toolsNow: diff ? [...(diff.added ?? []), ...(diff.changed ?? [])].map((t) => t.name) : undefined,
  };
}

/** A thousand dependents make a list nobody reads: the first ones, and how many more. */
const LISTED = 20;
function shortList(names: string[] | undefined): string[] | undefined {
  if (!names || names.length <= LISTED) return names;
  return [...names.slice(0, LISTED), `and ${names.length - LISTED} more`];
}

function factsOf(
  kind: string,
  evidence: Record<string, unknown>,
  context: Record<string, unknown>,
): { label: string; value: string }[] {
  const cause = evidence.cause as { reason?: string; phase?: string; status?: string } | undefined;
  const facts: { label: string; value: string }[] = [{ label: 'Event', value: kind }];
  if (cause?.status) facts.push({ label: 'Status', value: cause.status });
  if (cause?.reason) facts.push({ label: 'Reason', value: cause.reason });
  if (cause?.phase) facts.push({ label: 'Phase', value: cause.phase });
  for (const key of ['failures', 'from', 'to', 'daysLeft', 'summary', 'attempt', 'exitCode'] as const) {
    const value = evidence[key];
    if (typeof value === 'string' || typeof value === 'number')
      facts.push({ label: key, value: String(value) });
  }
  const dependents = context.dependentsDown as string[] | undefined;
  if (dependents?.length) facts.push({ label: 'Also down (held)', value: dependents.join(', ') });
  const held = context.dependentsHeld as string[] | undefined;
  if (held?.length) facts.push({ label: 'Held while down', value: held.join(', ') });
  return facts;
}
