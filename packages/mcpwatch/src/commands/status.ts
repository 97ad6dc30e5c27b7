import type { Status } from '@mcpwatch/probe';
import { type Command, Option } from 'commander';
import { type Paint, paint, wantsColor } from '../ansi.js';
import type { CliContext } from '../cli-context.js';
import { exitCodeFor } from '../exit-codes.js';
import { clean } from '../render.js';
import { type Monitor, redactUrl, type Store, type StoredResult } from '../store/index.js';
import { openCliStore, storeOptions, storeUrl } from './store-options.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** What a monitor switched off in its definition shows as: it is neither checked nor counted. */
const STATES = ['pending', 'up', 'degraded', 'down', 'paused', 'disabled'] as const;
type ShownState = (typeof STATES)[number];
/** The message column is cut so that one monitor stays one line in a 120-column terminal. */
const MESSAGE_WIDTH = 60;

interface StatusFlags {
  data: string;
  database?: string;
  group?: string;
  state?: ShownState;
  json?: boolean;
  color: boolean;
}

/** One monitor as `mcpwatch status --json` prints it. */
export interface MonitorStatus {
  id: number;
  name: string;
  kind: string;
  target: string;
  group: string | null;
  state: ShownState;
  since: number;
  uptime: { '24h': number | null; '7d': number | null };
  latency24h: { p50Ms: number | null; p95Ms: number | null };
  last: Pick<StoredResult, 'at' | 'status' | 'reason' | 'message'> | null;
}

/**
 * `mcpwatch status`: every monitor's state, uptime, latency and last answer, read from the store itself,
 * so it works whether or not `mcpwatch serve` is running (SQLite in WAL mode lets a reader beside the
 * writer). Exits like `probe`: 0 all up, 1 any degraded, 2 any down.
 */
export function registerStatus(program: Command, context: CliContext): void {
  const env = context.env;
  storeOptions(program.command('status'), env)
    .summary('a table of the monitors: state, uptime, latency, last reason')
    .description(
      "Show every monitor's state, how long it has been in it, its uptime over 24 hours and 7 days, its latency and its last check's reason, read from the store that `mcpwatch serve` writes. Exits 0 when all are up, 1 when any is degraded, 2 when any is down.",
    )
    .option('--group <name>', 'only the monitors of this group')
    .addOption(new Option('--state <state>', 'only the monitors in this state').choices(STATES))
    .option('--json', 'print the monitors as JSON and nothing else on stdout')
    .option('--no-color', 'no colours, even at a terminal (NO_COLOR does the same)')
    .action(async (flags: StatusFlags) => {
      context.exit(await status(flags, context));
    });
}

async function status(flags: StatusFlags, context: CliContext): Promise<number> {
  const store = await openCliStore(storeUrl(flags), {
    // A reader must not create the database it was pointed at: a typo in --data would show an empty, healthy list.
    hint: 'start `mcpwatch serve` first, or point --data or --database at the one it uses',
  });
  let monitors: MonitorStatus[];
  try {
    monitors = await read(store, Date.now());
  } finally {
    await store.close();
  }
  const shown = monitors.filter(
    (m) =>
      (flags.group === undefined || m.group === flags.group) &&
      (flags.state === undefined || m.state === flags.state),
  );
  if (flags.json) context.stdout.write(`${JSON.stringify({ monitors: shown }, null, 2)}\n`);
  else {
    const color = wantsColor(context.stdout, context.env, flags.color);
    context.stdout.write(renderStatus(shown, Date.now(), paint(color)));
  }
  return exitCodeFor(shown.flatMap((m) => (isStatus(m.state) ? [m.state] : [])));
}

async function read(store: Store, now: number): Promise<MonitorStatus[]> {
  const monitors = await store.listMonitors();
  const ids = monitors.map((m) => m.id);
  const uptime = await store.uptimeFor(ids, [
    { from: now - DAY, to: now },
    { from: now - 7 * DAY, to: now },
  ]);
  return Promise.all(
    monitors.map(async (monitor): Promise<MonitorStatus> => {
      const [state, [last]] = await Promise.all([
        store.getState(monitor.id),
        store.listResults(monitor.id, { from: 0, to: now + 1 }, 1),
      ]);
      const [day, week] = uptime.get(monitor.id) ?? [];
      return {
        id: monitor.id,
        name: monitor.name,
        kind: monitor.kind,
        target: /^https?:\/\//i.test(monitor.target) ? redactUrl(monitor.target) : monitor.target,
        group: groupOf(monitor),
        state: monitor.enabled ? (state?.status ?? 'pending') : 'disabled',
        since: state?.since ?? monitor.createdAt,
        uptime: { '24h': day?.uptime ?? null, '7d': week?.uptime ?? null },
        latency24h: { p50Ms: day?.latency.p50Ms ?? null, p95Ms: day?.latency.p95Ms ?? null },
        last: last ? { at: last.at, status: last.status, reason: last.reason, message: last.message } : null,
      };
    }),
  );
}

function groupOf(monitor: Monitor): string | null {
  const group = monitor.config.group;
  return typeof group === 'string' ? group : null;
}

function isStatus(state: ShownState): state is Status {
  return state === 'up' || state === 'degraded' || state === 'down';
}

/** The terminal table. Pure, so it is tested on fixed values; names and messages cannot drive the terminal. */
export function renderStatus(monitors: readonly MonitorStatus[], now: number, p: Paint): string {
  if (monitors.length === 0) return 'No monitors match: add them to mcpwatch.yaml or through the API.\n';
  const header = ['NAME', 'KIND', 'STATE', 'SINCE', 'UP 24H', 'UP 7D', 'P50', 'P95', 'LAST CHECK'];
  const rows = monitors.map((m) => [
    clean(m.name),
    m.kind,
    m.state,
    relative(now - m.since),
    percent(m.uptime['24h']),
    percent(m.uptime['7d']),
    duration(m.latency24h.p50Ms),
    duration(m.latency24h.p95Ms),
    lastCheck(m.last),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // Padding is measured before colouring: escape codes take no columns on screen.
  const line = (cells: string[], style: (cell: string, i: number) => string) =>
    cells
      .map((cell, i) => style(i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0), i))
      .join('  ')
      .trimEnd();
  const out = [line(header, (cell) => p.bold(cell))];
  for (const row of rows) {
    out.push(line(row, (cell, i) => (i === 2 ? paintState(cell, row[2] as ShownState, p) : cell)));
  }
  return `${out.join('\n')}\n`;
}

function paintState(cell: string, state: ShownState, p: Paint): string {
  if (state === 'up') return p.green(cell);
  if (state === 'degraded') return p.yellow(cell);
  if (state === 'down') return p.red(cell);
  return p.dim(cell);
}

function lastCheck(last: MonitorStatus['last']): string {
  if (last === null) return 'never checked';
  const text = clean([last.reason, last.message].filter(Boolean).join(': '));
  return text.length > MESSAGE_WIDTH ? `${text.slice(0, MESSAGE_WIDTH - 3)}...` : text || last.status;
}

/** "45s", "3m", "5h", "2d": how long a state has lasted, to the unit a person reads at a glance. */
export function relative(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function percent(ratio: number | null): string {
  if (ratio === null) return '-';
  // Two decimals: 99.95% and 99.5% are different promises; 100% only when nothing failed.
  const value = Math.floor(ratio * 10_000) / 100;
  return `${value === 100 || value === 0 ? value : value.toFixed(2)}%`;
}

function duration(ms: number | null): string {
  if (ms === null) return '-';
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}
