import { editDistance } from '../config/did-you-mean.js';
import type { Incident } from '../store/index.js';
import { type IncidentView, WatchError } from './watch-api.js';

/**
 * The monitor a name means: exactly, else ignoring case (an AI often changes case), else a refusal naming
 * the close ones. Every WatchApi implementation resolves names this way, so they answer alike.
 */
export function pickMonitor<T extends { name: string }>(monitors: readonly T[], name: string): T {
  const exact = monitors.find((m) => m.name === name);
  if (exact) return exact;
  const folded = monitors.filter((m) => m.name.toLowerCase() === name.toLowerCase());
  if (folded.length === 1 && folded[0]) return folded[0];
  throw unknownMonitor(
    name,
    monitors.map((m) => m.name),
  );
}

/** An incident with its monitor's name, which is what people and AIs call monitors by. */
export function incidentView(
  incident: Incident,
  monitors: readonly { id: number; name: string }[],
): IncidentView {
  const name = monitors.find((m) => m.id === incident.monitorId)?.name ?? `#${incident.monitorId}`;
  return { ...incident, monitor: name };
}

/**
 * The refusal for a monitor name that matches none, naming the closest ones: an AI that mistyped a name
 * retries with the right one instead of giving up or guessing. Shared by every WatchApi implementation.
 */
export function unknownMonitor(name: string, names: readonly string[]): WatchError {
  const lower = name.toLowerCase();
  const close = [...names]
    .map((n) => ({
      n,
      d:
        n.toLowerCase().includes(lower) || lower.includes(n.toLowerCase())
          ? 0
          : editDistance(lower, n.toLowerCase()),
    }))
    .filter(({ n, d }) => d <= Math.max(2, Math.floor(n.length / 3)))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, 5)
    .map(({ n }) => `"${n}"`);
  const hint =
    close.length > 0
      ? `Did you mean ${close.join(', ')}?`
      : names.length > 0
        ? 'Call list_monitors to see the monitor names.'
        : 'No monitors are defined yet.';
  return new WatchError('not_found', `No monitor is named "${name}". ${hint}`);
}

/** The refusal for an incident id that matches none. */
export function unknownIncident(id: number): WatchError {
  return new WatchError(
    'not_found',
    `There is no incident ${id}. Call list_incidents to see the incidents and their ids.`,
  );
}
