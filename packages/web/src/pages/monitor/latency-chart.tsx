import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, errorText } from '../../api/client.ts';
import type { StoredResult } from '../../api/types.ts';
import { type ChartData, chartData, type PercentilePoint, RANGES } from '../../lib/chart-data.ts';
import { formatMs } from '../../lib/format.ts';

const PHASE_COLOURS = [
  '#6e9bd8',
  '#8bc48a',
  '#e0b15b',
  '#c58fd1',
  '#5bc0be',
  '#e07b6a',
  '#9aa4b2',
  '#b8a16b',
];

function css(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function options(data: ChartData, width: number): uPlot.Options {
  const muted = css('--muted');
  const grid = { stroke: css('--border'), width: 1 };
  const stacks = data.stacks.map((s, i) => ({
    ...s,
    colour: PHASE_COLOURS[i % PHASE_COLOURS.length] as string,
  }));
  return {
    width,
    height: 260,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.05] } },
    axes: [
      { stroke: muted, grid, ticks: grid },
      { stroke: muted, grid, ticks: grid, size: 60, values: (_u, vals) => vals.map((v) => formatMs(v)) },
    ],
    series: [
      {},
      // The top of the stack first: each phase's fill is then painted over by the phases below it.
      ...[...stacks].reverse().map((s) => ({
        label: s.phase,
        stroke: s.colour,
        fill: s.colour,
        width: 1,
        points: { show: false },
        spanGaps: true,
        value: (_u: uPlot, v: number | null) => formatMs(v),
      })),
      ...(['p50', 'p95', 'p99'] as const).map((label, i) => ({
        label,
        stroke: [css('--text'), css('--degraded'), css('--down')][i],
        width: 1.5,
        dash: [5, 4],
        points: { show: false },
        spanGaps: true,
        value: (_u: uPlot, v: number | null) => formatMs(v),
      })),
    ],
  };
}

function aligned(data: ChartData): uPlot.AlignedData {
  return [data.x, ...[...data.stacks].reverse().map((s) => s.values), data.p50, data.p95, data.p99];
}

/**
 * Latency over the chosen range: each check stacked by phase (connect, TLS, handshake, tool listing, tool
 * call…) while raw results are kept, and p50/p95/p99 lines from the rollups.
 */
export function LatencyChart({ monitorId, refreshKey }: { monitorId: number; refreshKey: number }) {
  const [rangeKey, setRangeKey] = useState('24h');
  const [data, setData] = useState<ChartData>();
  const [error, setError] = useState<string>();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const range = RANGES.find((r) => r.key === rangeKey) ?? (RANGES[2] as (typeof RANGES)[number]);

  useEffect(() => {
    const controller = new AbortController();
    const from = Date.now() - range.ms;
    const signal = controller.signal;
    Promise.all([
      range.raw
        ? api<{ results: StoredResult[] }>(`/monitors/${monitorId}/results?from=${from}&limit=10000`, {
            signal,
          })
        : Promise.resolve({ results: [] }),
      api<{ points: PercentilePoint[] }>(
        `/monitors/${monitorId}/uptime/series?from=${from}&granularity=${range.granularity}`,
        { signal },
      ),
    ]).then(
      ([{ results }, { points }]) => {
        setData(chartData(results, points));
        setError(undefined);
      },
      (e) => {
        if (!signal.aborted) setError(errorText(e));
      },
    );
    return () => controller.abort();
  }, [monitorId, rangeKey, refreshKey]);

  useEffect(() => {
    const el = box.current;
    if (!el || !data) return;
    plot.current?.destroy();
    plot.current = new uPlot(options(data, el.clientWidth || 600), aligned(data), el);
    el.dataset.points = String(data.x.length);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, [data]);

  return (
    <section class="card chart-card" aria-labelledby="latency-title">
      <div class="section-head">
        <h2 id="latency-title">Latency</h2>
        <fieldset class="segmented">
          <legend class="sr-only">Range</legend>
          {RANGES.map((r) => (
            <label key={r.key}>
              <input
                type="radio"
                name="range"
                value={r.key}
                checked={r.key === rangeKey}
                onChange={() => setRangeKey(r.key)}
              />
              <span>{r.key}</span>
            </label>
          ))}
        </fieldset>
      </div>
      {!range.raw && (
        <p class="muted small">Phases are kept for 7 days; this range shows the percentiles only.</p>
      )}
      {error && <p class="error-box">{error}</p>}
      <div class="chart" ref={box} data-testid="latency-chart" data-range={rangeKey} />
      {data && data.x.length === 0 && <p class="muted">No checks in this range yet.</p>}
    </section>
  );
}
