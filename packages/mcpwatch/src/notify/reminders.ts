/**
 * When the next reminder of an open incident is due: `remindAfterMin` after it opened, then after twice
 * that, four times that … (so a long outage is not a stream), up to `maxReminders`. Undefined when no
 * more are due.
 */
export function nextReminderAt(
  openedAt: number,
  sent: number,
  settings: { remindAfterMin: number; maxReminders: number },
): number | undefined {
  if (sent >= settings.maxReminders) return undefined;
  return openedAt + settings.remindAfterMin * 60_000 * (2 ** (sent + 1) - 1);
}
