import { Cron } from 'croner';
import type { Maintenance } from '../config/alerting-schema.js';
import type { StatusPage, StatusPageItem } from '../config/status-page-schema.js';
import { inScope, maintenanceAt, type Scoped } from '../notify/maintenance.js';
import type { Incident, IncidentUpdate, Store, UptimeSummary } from '../store/index.js';

/** A service's status as a page shows it: no pending, no paused, nothing internal. */
export type PublicStatus = 'up' | 'degraded' | 'down' | 'maintenance' | 'unknown';
export type OverallStatus =
  | 'operational'
  | 'degraded'
  | 'partial_outage'
  | 'major_outage'
  | 'maintenance'
  | 'unknown';
export type BarStatus = 'up' | 'degraded' | 'down' | 'maintenance' | 'none';
export const WINDOWS = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const;
export type UptimeWindow = keyof typeof WINDOWS;

/** One monitor as the page builder needs it, read from the service's memory (no per-request view building). */
export interface Member extends Scoped {
  id: number;
  status: 'pending' | 'up' | 'degraded' | 'down' | 'paused';
  since: number;
  target: string;
  lastCheck: { at: number; reason: string | null; durationMs: number } | null;
}

export interface PageSources {
  store: Store;
  /** A monitor by name, or undefined. */
  monitor(name: string): Member | undefined;
  /** The monitors of a group. */
  group(name: string): Member[];
  /** Every maintenance window in force (the file's and the API's). */
  maintenance(): readonly Maintenance[];
}

export interface Bar {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  status: BarStatus;
  uptime: number | null;
}

export interface PublicService {
  name: string;
  status: PublicStatus;
  /** Uptime per window; null where nothing was checked outside maintenance. */
  uptime: Record<UptimeWindow, number | null>;
  bars: Bar[];
  /** Only with showLatency: the last check's duration, and the median over 24 hours. */
  latencyMs?: number | null;
  latencyP50Ms24h?: number | null;
  /** Only with showReasons: the reason code of the last failed check. */
  reason?: string | null;
  /** Only with showTargets, and only an http(s) URL without credentials or query. */
  url?: string | null;
}

export interface PublicIncident {
  id: number;
  service: string;
  status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
  openedAt: string;
  resolvedAt: string | null;
  /** Only with showReasons. */
  cause?: string | null;
  updates: { at: string; status: IncidentUpdate['status']; message: string }[];
}

export interface PublicMaintenance {
  name: string;
  services: string[];
  start: string;
  end: string;
  ongoing: boolean;
}

/** Everything a page shows, and nothing else: the HTML, the feed, the badges and `.json` are built from this. */
export interface PublicPage {
  slug: string;
  title: string;
  description: string | null;
  generatedAt: string;
  status: OverallStatus;
  services: PublicService[];
  incidents: PublicIncident[];
  maintenance: PublicMaintenance[];
}

const DAY = 86_400_000;
export const BAR_DAYS = 90;
/** Incidents resolved longer ago than this are not shown (open ones always are). */
const INCIDENT_DAYS = 30;
/** Recurring maintenance is announced this far ahead; one-off windows a little further. */
const RECURRING_AHEAD_MS = 7 * DAY;
const ONE_OFF_AHEAD_MS = 30 * DAY;

const iso = (ms: number) => new Date(ms).toISOString();

export function publicStatus(member: Member, inMaintenance: boolean): PublicStatus {
  if (inMaintenance) return 'maintenance';
  if (member.status === 'up' || member.status === 'degraded' || member.status === 'down')
    return member.status;
  return 'unknown';
}

const RANK: Record<PublicStatus, number> = { unknown: 0, up: 1, maintenance: 2, degraded: 3, down: 4 };

/** A group's status is its worst member's; a group with nothing known is unknown. */
export function worstOf(statuses: readonly PublicStatus[]): PublicStatus {
  return statuses.reduce<PublicStatus>((worst, s) => (RANK[s] > RANK[worst] ? s : worst), 'unknown');
}

export function overallOf(statuses: readonly PublicStatus[]): OverallStatus {
  if (statuses.length === 0 || statuses.every((s) => s === 'unknown')) return 'unknown';
  const down = statuses.filter((s) => s === 'down').length;
  if (down > 0) return down === statuses.length ? 'major_outage' : 'partial_outage';
  if (statuses.includes('degraded')) return 'degraded';
  if (statuses.includes('maintenance')) return 'maintenance';
  return 'operational';
}

export function barStatus(
  point: Pick<UptimeSummary, 'checks' | 'maintenance' | 'uptime'> | undefined,
): BarStatus {
  if (!point || point.checks === 0) return 'none';
  if (point.uptime === null) return 'maintenance';
  if (point.uptime >= 0.999) return 'up';
  if (point.uptime >= 0.95) return 'degraded';
  return 'down';
}

type Counts = Pick<UptimeSummary, 'checks' | 'up' | 'degraded' | 'down' | 'maintenance'>;

function add(into: Counts, from: Counts): void {
  into.checks += from.checks;
  into.up += from.up;
  into.degraded += from.degraded;
  into.down += from.down;
  into.maintenance += from.maintenance;
}

function uptimeOf(c: Counts): number | null {
  const judged = c.checks - c.maintenance;
  return judged === 0 ? null : (c.up + c.degraded) / judged;
}

const zero = (): Counts => ({ checks: 0, up: 0, degraded: 0, down: 0, maintenance: 0 });

/** An http(s) URL as a page may show it: no user, password, query or fragment; anything else shows nothing. */
export function publicUrl(target: string): string | null {
  if (!/^https?:\/\//i.test(target) || !URL.canParse(target)) return null;
  const url = new URL(target);
  return `${url.origin}${url.pathname}`;
}

interface Resolved {
  item: StatusPageItem;
  name: string;
  members: Member[];
}

function resolveItems(page: StatusPage, sources: PageSources): Resolved[] {
  return page.items.map((item) => {
    const members =
      item.monitor !== undefined
        ? [sources.monitor(item.monitor)].filter((m): m is Member => m !== undefined)
        : sources.group(item.group as string);
    return { item, name: item.publicName ?? item.monitor ?? item.group ?? '', members };
  });
}

/** Builds what a page shows at `now`, reading only what its options allow. */
export async function buildPublicPage(
  page: StatusPage,
  sources: PageSources,
  now: number,
): Promise<PublicPage> {
  const { store } = sources;
  const items = resolveItems(page, sources);
  const members = [...new Map(items.flatMap((i) => i.members).map((m) => [m.id, m])).values()];
  const ids = members.map((m) => m.id);
  const windows = sources.maintenance();
  const inMaintenance = new Set(members.filter((m) => maintenanceAt(windows, m, now)).map((m) => m.id));

  const today = Math.floor(now / DAY) * DAY;
  const barsFrom = today - (BAR_DAYS - 1) * DAY;
  const windowNames = Object.keys(WINDOWS) as UptimeWindow[];
  const [uptimes, dayRows, incidents] = await Promise.all([
    // The last 24 hours from the finer rollups (with the latency median); longer windows from the day rows.
    store.uptimeFor(ids, [{ from: now - DAY, to: now }]),
    store.dayCounts(ids, { from: barsFrom, to: today + DAY }),
    store.listIncidentsOf(ids, now - INCIDENT_DAYS * DAY, 50),
  ]);
  const seriesOf = new Map<number, typeof dayRows>();
  for (const row of dayRows) {
    const list = seriesOf.get(row.monitorId) ?? [];
    list.push(row);
    seriesOf.set(row.monitorId, list);
  }

  const services = items.map(({ name, members: own }): PublicService => {
    const status = worstOf(own.map((m) => publicStatus(m, inMaintenance.has(m.id))));
    const days = new Map<number, Counts>();
    for (const m of own) {
      for (const point of seriesOf.get(m.id) ?? []) {
        const sum = days.get(point.bucketStart) ?? zero();
        days.set(point.bucketStart, sum);
        add(sum, point);
      }
    }
    const uptime = Object.fromEntries(
      windowNames.map((w) => {
        const sum = zero();
        if (w === '24h') {
          for (const m of own) {
            const s = uptimes.get(m.id)?.[0];
            if (s) add(sum, s);
          }
        } else {
          // Whole days, today included: the bars' own figures.
          for (let d = 0; d < WINDOWS[w]; d++) {
            const counts = days.get(today - d * DAY);
            if (counts) add(sum, counts);
          }
        }
        return [w, uptimeOf(sum)];
      }),
    ) as Record<UptimeWindow, number | null>;
    const bars = Array.from({ length: BAR_DAYS }, (_, i): Bar => {
      const start = barsFrom + i * DAY;
      const counts = days.get(start);
      const value = counts ? uptimeOf(counts) : null;
      return {
        day: iso(start).slice(0, 10),
        status: barStatus(counts && { ...counts, uptime: value }),
        uptime: value,
      };
    });
    const service: PublicService = { name, status, uptime, bars };
    const worst = own.find((m) => publicStatus(m, inMaintenance.has(m.id)) === status) ?? own[0];
    if (page.showLatency) {
      service.latencyMs = worst?.lastCheck?.durationMs ?? null;
      const p50s = own
        .map((m) => uptimes.get(m.id)?.[0]?.latency.p50Ms)
        .filter((v): v is number => typeof v === 'number');
      service.latencyP50Ms24h = p50s.length > 0 ? Math.max(...p50s) : null;
    }
    if (page.showReasons) {
      service.reason = status === 'down' || status === 'degraded' ? (worst?.lastCheck?.reason ?? null) : null;
    }
    if (page.showTargets) {
      service.url = own.length === 1 && own[0] ? publicUrl(own[0].target) : null;
    }
    return service;
  });

  const serviceOf = new Map<number, string>();
  for (const { name, members: own } of [...items].reverse()) for (const m of own) serviceOf.set(m.id, name);
  const updates = await store.listIncidentUpdates(
    incidents.map((i) => i.id),
    { publicOnly: true },
  );

  return {
    slug: page.slug,
    title: page.title,
    description: page.description ?? null,
    generatedAt: iso(now),
    status: overallOf(services.map((s) => s.status)),
    services,
    incidents: incidents.map((incident) => publicIncident(incident, serviceOf, updates, page.showReasons)),
    maintenance: upcomingMaintenance(windows, items, now),
  };
}

function publicIncident(
  incident: Incident,
  serviceOf: ReadonlyMap<number, string>,
  updates: readonly IncidentUpdate[],
  showReasons: boolean,
): PublicIncident {
  const own = updates.filter((u) => u.incidentId === incident.id);
  const latest = own.at(-1)?.status;
  return {
    id: incident.id,
    service: serviceOf.get(incident.monitorId) ?? '',
    status:
      incident.resolvedAt !== null ? 'resolved' : latest && latest !== 'resolved' ? latest : 'investigating',
    openedAt: iso(incident.openedAt),
    resolvedAt: incident.resolvedAt === null ? null : iso(incident.resolvedAt),
    ...(showReasons ? { cause: incident.cause } : {}),
    updates: own.map((u) => ({ at: iso(u.at), status: u.status, message: u.message })),
  };
}

/** Windows that touch the page's services and are on now or coming soon, soonest first. */
export function upcomingMaintenance(
  windows: readonly Maintenance[],
  items: readonly Resolved[],
  now: number,
): PublicMaintenance[] {
  const found: PublicMaintenance[] = [];
  for (const window of windows) {
    const services = items.filter((i) => i.members.some((m) => inScope(window, m))).map((i) => i.name);
    if (services.length === 0) continue;
    const span = nextSpan(window, now);
    if (!span) continue;
    found.push({
      name: window.name,
      services,
      start: iso(span.start),
      end: iso(span.end),
      ongoing: span.start <= now && now < span.end,
    });
  }
  return found.sort((a, b) => a.start.localeCompare(b.start));
}

function nextSpan(window: Maintenance, now: number): { start: number; end: number } | undefined {
  if (window.start !== undefined && window.end !== undefined) {
    const start = Date.parse(window.start);
    const end = Date.parse(window.end);
    return end > now && start < now + ONE_OFF_AHEAD_MS ? { start, end } : undefined;
  }
  if (window.schedule === undefined || window.durationMin === undefined) return undefined;
  const length = window.durationMin * 60_000;
  try {
    const cron = new Cron(window.schedule, { timezone: window.timezone, paused: true });
    const [previous] = cron.previousRuns(1, new Date(now + 1));
    if (previous && now < previous.getTime() + length) {
      return { start: previous.getTime(), end: previous.getTime() + length };
    }
    const next = cron.nextRun(new Date(now))?.getTime();
    return next !== undefined && next < now + RECURRING_AHEAD_MS
      ? { start: next, end: next + length }
      : undefined;
  } catch {
    return undefined;
  }
}
