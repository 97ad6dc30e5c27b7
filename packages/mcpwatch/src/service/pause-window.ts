import { type Maintenance, maintenanceSchema } from '../config/alerting-schema.js';
import type { MonitorView } from './monitor-view.js';
import type { Service } from './service.js';

/**
 * A pause with a duration is a one-off maintenance window scoped to the one monitor, named with this prefix:
 * the monitor keeps being checked (so its state is current when the window ends), its results count as
 * maintenance, its alerts are held, and the window ends by itself, also across restarts, with no timer kept.
 */
export const PAUSE_PREFIX = 'Paused: ';

export interface PauseWindow {
  id: number;
  name: string;
  start: string;
  end: string;
}

export interface PauseRequest {
  durationMinutes: number;
  reason?: string | undefined;
  /** Who asked: a user's name, or the API token's user. */
  by: string;
}

/** Opens the pause window of a monitor from now for `durationMinutes`. */
export async function pauseFor(
  service: Service,
  id: number,
  request: PauseRequest,
  now = Date.now(),
): Promise<{ monitor: MonitorView; window: PauseWindow }> {
  const monitor = service.monitors.get(id);
  const start = new Date(now).toISOString();
  const end = new Date(now + request.durationMinutes * 60_000).toISOString();
  const name = `${PAUSE_PREFIX}${monitor.name}${request.reason ? `: ${request.reason}` : ''} (by ${request.by})`;
  const config = maintenanceSchema.parse({ name, monitors: [monitor.name], start, end });
  const record = await service.store.createMaintenance(name, config, now);
  await service.alerting.refreshApiMaintenance();
  return { monitor: service.monitors.get(id), window: { id: record.id, name, start, end } };
}

/**
 * Ends a monitor's pause now: its pause windows still to come or running are ended (a running one keeps its
 * record, cut short, so the history says when the monitor was quiet), and a monitor paused indefinitely is
 * resumed. Nothing to end is not an error: resuming twice is the same as once.
 */
export async function endPause(
  service: Service,
  id: number,
  now = Date.now(),
): Promise<{ monitor: MonitorView; ended: PauseWindow[]; unpaused: boolean }> {
  const monitor = service.monitors.get(id);
  const ended: PauseWindow[] = [];
  for (const window of service.alerting.listMaintenance().api) {
    if (!isPauseOf(window, monitor.name) || Date.parse(window.end as string) <= now) continue;
    const { id: windowId, ...config } = window;
    const start = config.start as string;
    if (Date.parse(start) >= now) {
      await service.store.deleteMaintenance(windowId);
    } else {
      const end = new Date(now).toISOString();
      await service.store.updateMaintenance(windowId, config.name, { ...config, end }, now);
    }
    ended.push({ id: windowId, name: config.name, start, end: new Date(now).toISOString() });
  }
  if (ended.length > 0) await service.alerting.refreshApiMaintenance();
  const unpaused = monitor.status === 'paused';
  if (unpaused) await service.monitors.resume(id);
  return { monitor: service.monitors.get(id), ended, unpaused };
}

function isPauseOf(window: Maintenance, name: string): boolean {
  return (
    window.name.startsWith(`${PAUSE_PREFIX}${name}`) &&
    window.monitors?.length === 1 &&
    window.monitors[0] === name &&
    window.groups === undefined &&
    window.tags === undefined &&
    window.start !== undefined &&
    window.end !== undefined
  );
}
