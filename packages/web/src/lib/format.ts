/** Numbers and times as the dashboard shows them. Pure, so tests pin them. */

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** 0.99987 → "99.99 %"; a rounded 100 % is only shown for a perfect record. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '–';
  if (ratio >= 1) return '100 %';
  const value = Math.min(99.99, Math.floor(ratio * 10_000) / 100);
  return `${value.toFixed(2)} %`;
}

const UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

/** "3 min ago", "2 h ago", "in 5 s"; under a second is "now". */
export function relativeTime(at: number, now: number): string {
  const delta = now - at;
  const abs = Math.abs(delta);
  if (abs < 1000) return 'now';
  for (const [size, unit] of UNITS) {
    if (abs >= size) {
      const n = Math.floor(abs / size);
      return delta >= 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
    }
  }
  return 'now';
}

/** "2026-11-22 07:05:09" in the browser's time zone: unambiguous and sortable. */
export function formatTime(at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "2026-11-22" in UTC: the day segments are UTC days. */
export function formatUtcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
