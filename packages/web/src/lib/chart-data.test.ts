import { describe, expect, it } from 'vitest';
import { chartData } from './chart-data.ts';

describe('chartData', () => {
  it('stacks phases in check order and joins the percentile buckets on one axis', () => {
    const data = chartData(
      [
        { at: 3000, status: 'up', durationMs: 6, timings: { tools: 3, connect: 1, handshake: 2 } },
        { at: 1000, status: 'up', durationMs: 4, timings: { connect: 2, tools: 2 } },
      ],
      [{ bucketStart: 0, latency: { p50Ms: 5, p95Ms: 8, p99Ms: 9 } }],
    );
    expect(data.x).toEqual([0, 1, 3]);
    expect(data.stacks.map((s) => s.phase)).toEqual(['connect', 'handshake', 'tools']);
    expect(data.stacks.map((s) => s.values)).toEqual([
      [null, 2, 1],
      [null, 2, 3],
      [null, 4, 6],
    ]);
    expect(data.p95).toEqual([8, null, null]);
  });
});
