/**
 * Writes the Prometheus text format (0.0.4) or OpenMetrics (1.0.0) by hand, in chunks of about 64 KiB: no
 * registry, only text, so 10,000 monitors render in tens of milliseconds, and a large page is sent chunk by
 * chunk as it is rendered instead of being held whole.
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

/** About the size of one chunk of a streamed page: a few of them in flight bound a scrape's memory. */
export const CHUNK_CHARS = 1 << 16;

export class Exposition {
  /** Chunks encoded and not yet taken. */
  private chunks: Buffer[] = [];
  private pending = '';

  /**
   * `chunkChars`: the text gathered before it is encoded as one chunk. Strings are appended (cheap ropes in V8)
   * and encoded once per chunk: far fewer calls than one per sample, and no buffer the size of the page.
   */
  constructor(
    readonly format: Format,
    private readonly chunkChars = CHUNK_CHARS,
  ) {}

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

  /** Whether a chunk is ready to be taken: checked after each monitor, so it costs one comparison. */
  get ready(): boolean {
    return this.chunks.length > 0;
  }

  /** The chunks encoded since the last call, in order; the exposition keeps no reference to them. */
  take(): Buffer[] {
    const taken = this.chunks;
    this.chunks = [];
    return taken;
  }

  /** Ends the exposition (with `# EOF` in OpenMetrics) and encodes what is left: `take()` then has the last chunk. */
  end(): void {
    if (this.format === 'openmetrics') this.write('# EOF\n');
    this.flush();
  }

  /** The whole exposition as one buffer, for the small pages (`/probe`, the exporter's own metrics) and tests. */
  finish(): Buffer {
    this.end();
    const chunks = this.take();
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  }

  private write(text: string): void {
    this.pending += text;
    if (this.pending.length >= this.chunkChars) this.flush();
  }

  private flush(): void {
    if (this.pending === '') return;
    this.chunks.push(Buffer.from(this.pending));
    this.pending = '';
  }
}
