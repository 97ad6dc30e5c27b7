import { describe, expect, it } from 'vitest';
import { segmentStatus, sparkPath } from './segments.ts';

describe('segments', () => {
  it('colours a day by what happened', () => {
    expect(segmentStatus(null, 0, 0)).toBe('empty');
    expect(segmentStatus(1, 0, 0)).toBe('up');
    expect(segmentStatus(1, 0, 2)).toBe('degraded');
    expect(segmentStatus(0.97, 3, 0)).toBe('degraded');
    expect(segmentStatus(0.5, 10, 0)).toBe('down');
  });
  it('draws a sparkline broken at gaps', () => {
    expect(sparkPath([], 10, 10)).toBe('');
    expect(sparkPath([1, 3, null, 2], 30, 10)).toBe('M0 9L10 1M30 5');
    expect(sparkPath([5, 5], 10, 10)).toBe('M0 9L10 9');
  });
});
