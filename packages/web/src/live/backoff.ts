/**
 * The wait before reconnect attempt `attempt` (0 for the first): doubling from `base`, capped at `max`,
 * with up to a quarter taken off at random so a restarted service is not met by every tab at once.
 */
export function backoffMs(
  attempt: number,
  base = 1000,
  max = 30_000,
  random: () => number = Math.random,
): number {
  const full = Math.min(max, base * 2 ** Math.min(attempt, 20));
  return Math.round(full * (1 - 0.25 * random()));
}
