import { describe, expect, it } from 'vitest';
import { nextAfterRestart } from './restart-slots.js';

const MIN = 60_000;

describe('the first check after a restart', () => {
  it('comes one interval after the last check, so a restart delays no check past its interval', () => {
    expect(nextAfterRestart('a', MIN, 1_000_000 - 10_000, 1_000_000)).toBe(50_000);
  });

  it('comes soon for a monitor whose slot passed while stopped, spread by key over a quarter interval', () => {
    const delays = Array.from(
      { length: 200 },
      (_, i) => nextAfterRestart(`m${i}`, MIN, 0, 10 * MIN) as number,
    );
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(MIN / 4);
    expect(new Set(delays).size).toBeGreaterThan(150);
    expect(nextAfterRestart('m1', MIN, 0, 10 * MIN)).toBe(delays[1]);
  });

  it('caps the spread of overdue monitors with long intervals at a minute', () => {
    expect(nextAfterRestart('npm-watch', 60 * MIN, 0, 100 * MIN)).toBeLessThan(MIN);
  });

  it('leaves a monitor never checked to the scheduler spread', () => {
    expect(nextAfterRestart('new', MIN, null, 1_000_000)).toBeUndefined();
  });
});
