import { describe, expect, it } from 'vitest';
import { formatMs, formatPercent, formatUtcDay, relativeTime } from './format.ts';

describe('format', () => {
  it('formats durations', () => {
    expect([null, 2.345, 25.4, 1234, 12_345, 90_000].map(formatMs)).toEqual([
      '–',
      '2.3 ms',
      '25 ms',
      '1.23 s',
      '12.3 s',
      '1.5 min',
    ]);
  });
  it('never rounds a short fall up to 100 %', () => {
    expect(formatPercent(1)).toBe('100 %');
    expect(formatPercent(0.99999)).toBe('99.99 %');
    expect(formatPercent(0.5)).toBe('50.00 %');
    expect(formatPercent(null)).toBe('–');
  });
  it('says how long ago', () => {
    expect(relativeTime(1000, 1500)).toBe('now');
    expect(relativeTime(0, 125_000)).toBe('2 min ago');
    expect(relativeTime(10_000, 0)).toBe('in 10 s');
    expect(relativeTime(0, 3 * 86_400_000)).toBe('3 d ago');
  });
  it('names UTC days', () => {
    expect(formatUtcDay(Date.UTC(2026, 10, 22, 23, 59))).toBe('2026-11-22');
  });
});
