import { spread } from '../scheduler/scheduler.js';

/** Overdue monitors after a restart are spread over at most this, so a long stop is no thundering herd. */
const OVERDUE_SPREAD_MS = 60_000;

/**
 * When a monitor that was checked before a restart is next due: one interval after its last check, so a
 * restart does not push any check later than its interval. One whose slot passed while mcpwatch was
 * stopped runs soon, spread (by its key, the same way each time) over a quarter interval, a minute at most.
 */
export function nextAfterRestart(
  key: string,
  intervalMs: number,
  lastCheckAt: number | null,
  now: number,
): number | undefined {
  if (lastCheckAt === null) return undefined;
  const due = lastCheckAt + intervalMs - now;
  return due > 0 ? due : spread(key) * Math.min(intervalMs / 4, OVERDUE_SPREAD_MS);
}
