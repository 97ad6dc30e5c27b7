import { describe, expect, it } from 'vitest';
import { nextReminderAt } from './reminders.js';

describe('reminders', () => {
  it('come after the first delay, then back off by doubling, up to the maximum', () => {
    const settings = { remindAfterMin: 60, maxReminders: 3 };
    const hour = 3_600_000;
    expect([0, 1, 2].map((sent) => nextReminderAt(0, sent, settings))).toEqual([hour, 3 * hour, 7 * hour]);
    expect(nextReminderAt(0, 3, settings)).toBeUndefined();
  });
});
