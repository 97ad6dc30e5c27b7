import { canonicalJson, displayUrl } from '@mcpwatch/probe';
import { type Monitor as MonitorSpec, monitorSchema, nameOf } from '../config/monitor-schema.js';
import type { TransitionConfig } from '../state/index.js';
import type { MonitorInput, MonitorSource, Monitor as StoredMonitor } from '../store/index.js';

export type { MonitorSpec };

/**
 * A monitor as the config schema validated it (every default filled in) is what the store keeps as its
 * `config`, so a monitor from the file and one from the API are the same value, and the scheduler runs
 * either the same way. Its name is its key: names are unique, and events, alerts and the API use them.
 */
export function toStoreInput(spec: MonitorSpec, source: MonitorSource): MonitorInput {
  return {
    key: spec.name,
    name: spec.name,
    kind: spec.kind,
    target: describeTarget(spec),
    config: spec as unknown as Record<string, unknown>,
    source,
    enabled: spec.enabled,
  };
}

/**
 * The spec back from the store, validated again: a row written by an older version, or edited by hand,
 * is refused with the reason rather than run half-understood.
 */
export function specOf(monitor: StoredMonitor): { spec: MonitorSpec } | { error: string } {
  const parsed = monitorSchema.safeParse(monitor.config);
  if (parsed.success) return { spec: { ...parsed.data, name: monitor.name, enabled: monitor.enabled } };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'config';
  return { error: `the stored monitor is not valid (${field}: ${issue?.message}): edit or re-create it` };
}

/** What a person reads as "what is watched": a URL without its password, host:port, a package, a command. */
export function describeTarget(spec: MonitorSpec): string {
  if (spec.kind === 'heartbeat') return 'push (heartbeat URL)';
  return nameOf({ target: spec.target }) ?? spec.kind;
}

export function transitionConfigOf(spec: MonitorSpec): Partial<TransitionConfig> {
  const config: Partial<TransitionConfig> = {
    consecutiveFails: spec.consecutiveFails,
    recoverAfter: spec.recoverAfter,
  };
  const tls = (spec as { tls?: { expiryWarnDays?: number } }).tls;
  // The probe degrades a certificate inside expiryWarnDays; the announcements count down from there.
  if (tls?.expiryWarnDays !== undefined) {
    const days = tls.expiryWarnDays;
    config.tlsExpiryDays = [...new Set([days, 7, 1].filter((d) => d <= days))].sort((a, b) => b - a);
  }
  return config;
}

export function intervalMsOf(spec: MonitorSpec): number {
  const seconds = (spec as { intervalSec?: number }).intervalSec ?? 60;
  return seconds * 1000;
}

/** Equal specs need no reschedule: a reload that changes nothing leaves every timer where it was. */
export function sameSpec(a: MonitorSpec, b: MonitorSpec): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

const HIDDEN = '***';

/**
 * A spec as the API shows it: header values, stdio environment values and URL passwords are secrets
 * (they usually come from `${ENV}`), so they are replaced by *** while their names stay visible.
 */
export function redactSpec(spec: MonitorSpec): Record<string, unknown> {
  const copy = structuredClone(spec) as unknown as Record<string, unknown>;
  const hide = (record: unknown) =>
    record && typeof record === 'object'
      ? Object.fromEntries(Object.keys(record).map((k) => [k, HIDDEN]))
      : record;
  if ('headers' in copy) copy.headers = hide(copy.headers);
  const target = copy.target;
  if (typeof target === 'string' && URL.canParse(target) && new URL(target).password) {
    copy.target = displayUrl(new URL(target));
  } else if (target && typeof target === 'object' && 'env' in target) {
    copy.target = { ...target, env: hide((target as { env: unknown }).env) };
  }
  return copy;
}
