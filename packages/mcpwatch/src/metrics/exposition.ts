/**
 * Writes the Prometheus text format (0.0.4) or OpenMetrics (1.0.0) by hand into one growing buffer: no
 * registry and no string per sample, so 10,000 monitors render in tens of milliseconds.
 */
export type Format = 'prometheus' | 'openmetrics';
export type MetricType = 'gauge' | 'counter' | 'info';

export const CONTENT_TYPES: Record<Format, string> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/** A label value as the exposition formats escape it: backslash, double quote and newline. */
export function escapeLabel(value: string): string {
  return /[\\"\n]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
    : value;
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

export class Exposition {
  private buffer: Buffer;
  private length = 0;
  private pending = '';

  /** `sizeHint`: the bytes expected, to grow the buffer once or never. */
  constructor(
    readonly format: Format,
    sizeHint = 1 << 16,
  ) {
    this.buffer = Buffer.allocUnsafe(sizeHint);
  }

  /**
   * The HELP and TYPE lines of a family; its samples follow with `sample()`. `name` is the sample name as
   * Prometheus shows it (`…_total` for counters, `…_info` for info metrics); OpenMetrics names the family
   * without that suffix, and the classic format knows no info type (a gauge of 1).
   */
  header(name: string, type: MetricType, help: string): void {
    const om = this.format === 'openmetrics';
    let family = name;
    if (om && type === 'counter') family = name.replace(/_total$/, '');
    if (om && type === 'info') family = name.replace(/_info$/, '');
    const declared = om ? type : type === 'info' ? 'gauge' : type;
    this.write(`# HELP ${family} ${escapeHelp(help)}\n# TYPE ${family} ${declared}\n`);
  }

  /** One sample line: `labels` already escaped and joined (`a="x",b="y"`), `more` appended to them ('' or `,c="z"`). */
  sample(name: string, labels: string, more: string, value: number): void {
    this.write(
      labels === '' && more === ''
        ? `${name} ${formatValue(value)}\n`
        : `${name}{${labels}${more}} ${formatValue(value)}\n`,
    );
  }

  /** A family with its samples at once, for the few that are not per monitor. */
  family(name: string, type: MetricType, help: string, samples: Iterable<readonly [string, number]>): void {
    this.header(name, type, help);
    for (const [labels, value] of samples) this.sample(name, labels, '', value);
  }

  /** The exposition, ended by `# EOF` in OpenMetrics. */
  finish(): Buffer {
    if (this.format === 'openmetrics') this.write('# EOF\n');
    this.flush();
    return this.buffer.subarray(0, this.length);
  }

  /** Text is gathered in a string of up to 64 KiB and copied into the buffer in one call: far fewer calls. */
  private write(text: string): void {
    this.pending += text;
    if (this.pending.length >= 65_536) this.flush();
  }

  private flush(): void {
    const text = this.pending;
    this.pending = '';
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.length + text.length * 3 > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + text.length * 3));
      this.buffer.copy(bigger, 0, 0, this.length);
      this.buffer = bigger;
    }
    this.length += this.buffer.write(text, this.length);
  }
}
