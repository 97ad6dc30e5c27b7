import type { TrafficRow } from '../store/index.js';

export interface ToolTraffic {
  name: string;
  calls: number;
  errors: number;
  /** Mean over the range, from the reports' sums. */
  durationMsMean: number | null;
  /** The worst call in the range. */
  durationMsMax: number;
}

/**
 * Totals per tool over a run of reports, busiest first, and each report's own totals (a series to draw
 * beside the probes). Medians do not add up, so a range reports means and maxima; each report keeps its p50.
 */
export function summarizeTraffic(rows: readonly TrafficRow[]) {
  const tools = new Map<string, { calls: number; errors: number; sum: number; max: number }>();
  for (const row of rows) {
    for (const t of row.tools) {
      const acc = tools.get(t.name) ?? { calls: 0, errors: 0, sum: 0, max: 0 };
      acc.calls += t.calls;
      acc.errors += t.errors;
      acc.sum += t.durationMsSum;
      acc.max = Math.max(acc.max, t.durationMsMax);
      tools.set(t.name, acc);
    }
  }
  return {
    requests: rows.reduce((n, r) => n + r.requests, 0),
    errors: rows.reduce((n, r) => n + r.errors, 0),
    tools: [...tools.entries()]
      .map(
        ([name, t]): ToolTraffic => ({
          name,
          calls: t.calls,
          errors: t.errors,
          durationMsMean: t.calls === 0 ? null : Math.round((t.sum / t.calls) * 100) / 100,
          durationMsMax: t.max,
        }),
      )
      .sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name)),
    reports: rows,
  };
}
