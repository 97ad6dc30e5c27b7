/**
 * One turn of the event loop: timers and I/O (checks, requests) run before this resolves. Long work awaits it
 * between parts so it never holds the loop; `/live` awaits it to prove the loop turns at all.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
