import { describe, expect, it } from 'vitest';
import {
  addHistograms,
  addHistogramText,
  bucketOf,
  emptyHistogram,
  encodeHistogram,
  HISTOGRAM_BUCKETS,
} from './latency-histogram.js';

describe('histogram text', () => {
  it('round-trips every bucket, large counts included, and leaves empty buckets out', () => {
    const counts = emptyHistogram();
    counts[0] = 1;
    counts[25] = 12;
    counts[26] = 3;
    counts[HISTOGRAM_BUCKETS - 1] = 9_007_199;
    const text = encodeHistogram(counts);
    expect(text).toBe('A1Z12a3w9007199');
    expect(addHistogramText(text, emptyHistogram())).toEqual(counts);
    expect(encodeHistogram(emptyHistogram())).toBe('');
    expect(addHistogramText('', emptyHistogram())).toEqual(emptyHistogram());
  });

  it('reads concatenated texts as their sum, and adds two texts into one in bucket order', () => {
    const a = encodeHistogram(Object.assign(emptyHistogram(), { 3: 2, 30: 1 }));
    const b = encodeHistogram(Object.assign(emptyHistogram(), { 3: 5, 10: 7 }));
    const sum = Object.assign(emptyHistogram(), { 3: 7, 10: 7, 30: 1 });
    expect(addHistogramText(a + b + a, emptyHistogram())).toEqual(
      Object.assign(emptyHistogram(), { 3: 9, 10: 7, 30: 2 }),
    );
    expect(addHistograms(a, b)).toBe(encodeHistogram(sum));
    expect(addHistograms(a, b)).toBe('D7K7e1');
    expect(addHistograms('', b)).toBe(b);
  });

  it('puts sub-millisecond and very slow checks in the first and last buckets', () => {
    expect(bucketOf(0.2)).toBe(0);
    expect(bucketOf(600_000)).toBe(HISTOGRAM_BUCKETS - 1);
  });
});
