import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.ts';

describe('backoffMs', () => {
  it('doubles up to the cap', () => {
    const none = () => 0;
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((n) => backoffMs(n, 1000, 30_000, none))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });
  it('takes at most a quarter off', () => {
    expect(backoffMs(2, 1000, 30_000, () => 1)).toBe(3000);
  });
});
