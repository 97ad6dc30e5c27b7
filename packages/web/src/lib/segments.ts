export type SegmentStatus = 'empty' | 'up' | 'degraded' | 'down';

/** A day's colour: no checks, all good, some trouble (slow or short), or a real fall (under 95 %). */
export function segmentStatus(uptime: number | null, down: number, degraded: number): SegmentStatus {
  if (uptime === null) return 'empty';
  if (uptime < 0.95) return 'down';
  if (down > 0 || degraded > 0 || uptime < 1) return 'degraded';
  return 'up';
}

/** An SVG path through the points, broken where a value is missing; y grows downwards. */
export function sparkPath(values: readonly (number | null)[], width: number, height: number): string {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return '';
  const min = Math.min(...present);
  const max = Math.max(...present);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  let path = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    const x = Math.round(i * step * 10) / 10;
    const y = Math.round((height - 1 - ((v - min) / span) * (height - 2)) * 10) / 10;
    path += `${pen ? 'L' : 'M'}${x} ${y}`;
    pen = true;
  });
  return path;
}
