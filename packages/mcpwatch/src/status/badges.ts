import type { BadgeColor } from './badge-svg.js';
import type { OverallStatus, PublicPage, PublicService, PublicStatus, UptimeWindow } from './page-data.js';

export interface Badge {
  label: string;
  message: string;
  color: BadgeColor;
}

export type Metric = 'status' | 'uptime' | 'latency';

const STATUS: Record<PublicStatus, Badge['color']> = {
  up: 'brightgreen',
  degraded: 'yellow',
  down: 'red',
  maintenance: 'blue',
  unknown: 'lightgrey',
};

const OVERALL: Record<OverallStatus, [string, Badge['color']]> = {
  operational: ['operational', 'brightgreen'],
  degraded: ['degraded', 'yellow'],
  partial_outage: ['partial outage', 'orange'],
  major_outage: ['major outage', 'red'],
  maintenance: ['maintenance', 'blue'],
  unknown: ['unknown', 'lightgrey'],
};

/** The page's overall status, labelled with its title. */
export function overallBadge(page: PublicPage): Badge {
  const [message, color] = OVERALL[page.status];
  return { label: page.title, message, color };
}

export function statusBadge(service: PublicService): Badge {
  return { label: service.name, message: service.status, color: STATUS[service.status] };
}

export function uptimeColor(uptime: number): Badge['color'] {
  if (uptime >= 0.999) return 'brightgreen';
  if (uptime >= 0.99) return 'green';
  if (uptime >= 0.97) return 'yellow';
  if (uptime >= 0.95) return 'orange';
  return 'red';
}

/** Uptime to two decimals, never rounded up to 100% while anything failed. */
export function formatUptime(uptime: number): string {
  const floored = Math.floor(uptime * 10_000) / 100;
  return `${Number.isInteger(floored) ? floored : floored.toFixed(2)}%`;
}

export function uptimeBadge(service: PublicService, window: UptimeWindow): Badge {
  const uptime = service.uptime[window];
  const label = `uptime ${window}`;
  if (uptime === null) return { label, message: 'no data', color: 'lightgrey' };
  return { label, message: formatUptime(uptime), color: uptimeColor(uptime) };
}

/** The median over 24 hours; only for pages that show latency (the route refuses otherwise). */
export function latencyBadge(service: PublicService): Badge {
  const ms = service.latencyP50Ms24h ?? null;
  if (ms === null) return { label: 'latency', message: 'no data', color: 'lightgrey' };
  const color: Badge['color'] =
    ms < 300 ? 'brightgreen' : ms < 1000 ? 'green' : ms < 2000 ? 'yellow' : ms < 5000 ? 'orange' : 'red';
  return { label: 'latency', message: `${Math.round(ms)} ms`, color };
}

/** shields.io's endpoint format (https://shields.io/badges/endpoint-badge). */
export function shieldsJson(badge: Badge): Record<string, unknown> {
  return {
    schemaVersion: 1,
    label: badge.label,
    message: badge.message,
    color: badge.color,
    cacheSeconds: 60,
  };
}
