import { PHASES, type ProbeResult, REASONS, type Status, type TlsInfo } from '@mcpwatch/probe';
import { type Paint, paint } from './ansi.js';

export interface RenderOptions {
  color: boolean;
  /** The server's name in a client config, shown before the target. */
  name?: string;
}

/** Output width the tool list and messages are cut to: readable in an 100-column terminal or CI log. */
const WIDTH = 100;
const BAR_WIDTH = 40;
const MAX_TOOLS = 50;
const STDERR_LINES = 10;
const LABEL = 11;

/**
 * The human report of one probe: the verdict first, then what the server is, where the time went, its
 * tools, and for a failure what failed and what to do. Pure, so it is tested on fixed results; every
 * string a server chose is stripped of control characters so it cannot drive the terminal.
 */
export function render(result: ProbeResult, options: RenderOptions): string {
  const p = paint(options.color);
  const lines: string[] = [];
  const label = options.name ? `${clean(options.name)}  ${clean(result.target)}` : clean(result.target);
  lines.push(`${verdict(result.status, p)}  ${label}`);
  lines.push(`  ${clean(result.message)}`);
  if (result.reason) {
    const where = result.phase ? ` (${result.phase} phase)` : '';
    lines.push(`  ${p.bold('reason')}: ${result.reason}${where}: ${p.dim(REASONS[result.reason])}`);
  }
  lines.push('', ...facts(result, p));
  lines.push(...waterfall(result));
  lines.push(...tools(result));
  lines.push(...failedChecks(result, p));
  lines.push(...stderr(result));
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/** One line for several results, after the reports of `--all`. */
export function renderSummary(results: readonly ProbeResult[], options: { color: boolean }): string {
  const p = paint(options.color);
  const count = (s: Status) => results.filter((r) => r.status === s).length;
  const parts = [
    p.green(`${count('up')} up`),
    p.yellow(`${count('degraded')} degraded`),
    p.red(`${count('down')} down`),
  ];
  return `${results.length} server${results.length === 1 ? '' : 's'}: ${parts.join(', ')}\n`;
}

function verdict(status: Status, p: Paint): string {
  const text = status.toUpperCase();
  if (status === 'up') return p.bold(p.green(text));
  if (status === 'degraded') return p.bold(p.yellow(text));
  return p.bold(p.red(text));
}

function row(label: string, value: string): string {
  return `  ${label.padEnd(LABEL)}${value}`;
}

function facts(result: ProbeResult, p: Paint): string[] {
  const lines: string[] = [];
  const mcp = result.mcp;
  if (mcp) {
    const info = mcp.serverInfo;
    if (info?.name || info?.version) {
      const title = info.title ? ` "${clean(info.title)}"` : '';
      lines.push(
        row('server', `${clean(info.name ?? '(no name)')} ${clean(info.version ?? '')}`.trim() + title),
      );
    }
    lines.push(row('transport', mcp.transport));
    // The era is only known once a handshake agreed on a revision.
    if (mcp.protocolVersion) lines.push(row('era', `${mcp.era}, protocol ${clean(mcp.protocolVersion)}`));
    if (mcp.resources !== undefined) lines.push(row('resources', String(mcp.resources)));
    if (mcp.prompts !== undefined) lines.push(row('prompts', String(mcp.prompts)));
    if (mcp.toolCall) {
      const call = mcp.toolCall;
      const text = call.text ? ` -> ${JSON.stringify(cut(clean(call.text), 60))}` : '';
      lines.push(row('call', `${clean(call.name)}${call.isError ? ' (isError)' : ''}${text}`));
    }
    if (mcp.exitCode !== undefined && mcp.exitCode !== null && result.status === 'down') {
      lines.push(row('exit code', String(mcp.exitCode)));
    } else if (mcp.signal && result.status === 'down') {
      lines.push(row('signal', mcp.signal));
    }
  }
  if (result.http) lines.push(row('http', `status ${result.http.status}, ${result.http.bodyBytes} bytes`));
  if (result.tcp?.received !== undefined) {
    lines.push(row('received', JSON.stringify(cut(clean(result.tcp.received), 70))));
  }
  if (result.tls) lines.push(row('tls', tlsLine(result.tls, p)));
  if (result.reason === 'auth_required' && result.auth) {
    const auth = result.auth;
    lines.push(
      row(
        'auth',
        `HTTP ${auth.status}${auth.wwwAuthenticate ? `, ${cut(clean(auth.wwwAuthenticate), 80)}` : ''}`,
      ),
    );
    if (auth.resourceMetadataUrl) lines.push(row('metadata', clean(auth.resourceMetadataUrl)));
    if (auth.authorizationServers?.length) {
      lines.push(row('issuer', auth.authorizationServers.map(clean).join(', ')));
    }
    if (auth.scopes?.length) lines.push(row('scopes', auth.scopes.map(clean).join(' ')));
  }
  return lines.length ? [...lines, ''] : [];
}

function tlsLine(tls: TlsInfo, p: Paint): string {
  const parts: string[] = [];
  if (tls.protocol) parts.push(tls.protocol);
  if (tls.daysLeft !== undefined) {
    const days = Math.floor(tls.daysLeft);
    const until = tls.validTo ? ` (${clean(tls.validTo)})` : '';
    parts.push(
      days >= 0
        ? `certificate expires in ${days} day${days === 1 ? '' : 's'}${until}`
        : p.red(`certificate expired ${-days} day${days === -1 ? '' : 's'} ago${until}`),
    );
  }
  if (!tls.chainValid) parts.push(p.red(`not trusted${tls.chainError ? `: ${clean(tls.chainError)}` : ''}`));
  if (!tls.hostnameMatch) parts.push(p.red('does not cover this host name'));
  if (tls.issuer) parts.push(`issuer ${cut(clean(tls.issuer), 60)}`);
  return parts.join(', ');
}

/**
 * Phases run one after another, so each bar starts where the previous one ended: a waterfall in plain
 * characters, scaled to the sum of the phases (which includes `close`, timed after the verdict).
 */
function waterfall(result: ProbeResult): string[] {
  const phases = PHASES.filter((phase) => result.timings[phase] !== undefined);
  if (phases.length === 0) return [];
  const total = phases.reduce((sum, phase) => sum + (result.timings[phase] ?? 0), 0);
  const widths = phases.map((phase) => ms(result.timings[phase] ?? 0).length);
  const numberWidth = Math.max(...widths);
  const lines = [`  ${'phase'.padEnd(LABEL)}${'ms'.padStart(numberWidth)}`];
  let offset = 0;
  for (const phase of phases) {
    const took = result.timings[phase] ?? 0;
    const start = total > 0 ? Math.round((offset / total) * BAR_WIDTH) : 0;
    const end = total > 0 ? Math.round(((offset + took) / total) * BAR_WIDTH) : 0;
    const bar = `${' '.repeat(Math.min(start, BAR_WIDTH - 1))}${'#'.repeat(Math.max(1, end - start))}`;
    lines.push(`  ${phase.padEnd(LABEL)}${ms(took).padStart(numberWidth)}  |${bar.padEnd(BAR_WIDTH)}|`);
    offset += took;
  }
  lines.push(`  ${'total'.padEnd(LABEL)}${ms(result.durationMs).padStart(numberWidth)}`, '');
  return lines;
}

function tools(result: ProbeResult): string[] {
  const list = result.mcp?.tools;
  if (!list) return [];
  if (list.length === 0) return ['  tools (0)', ''];
  const shown = list.slice(0, MAX_TOOLS);
  const nameWidth = Math.min(32, Math.max(...shown.map((t) => clean(t.name).length)));
  const lines = [`  tools (${list.length})`];
  for (const tool of shown) {
    const name = cut(clean(tool.name), 32).padEnd(nameWidth);
    const firstLine = clean((tool.description ?? '').split('\n').find((l) => l.trim() !== '') ?? '').trim();
    const room = WIDTH - 4 - nameWidth - 2;
    lines.push(`    ${name}${firstLine ? `  ${cut(firstLine, room)}` : ''}`.trimEnd());
  }
  if (list.length > shown.length)
    lines.push(`    ... and ${list.length - shown.length} more (--json lists them all)`);
  return [...lines, ''];
}

function failedChecks(result: ProbeResult, p: Paint): string[] {
  const failed = result.checks.filter((c) => !c.ok);
  if (failed.length === 0) return [];
  const width = Math.max(...failed.map((c) => c.name.length));
  const lines = ['  failed checks'];
  for (const check of failed) {
    const mark = check.soft ? p.yellow('WARN') : p.red('FAIL');
    lines.push(
      `    ${mark} ${clean(check.name).padEnd(width)}  ${cut(clean(check.detail), WIDTH - width - 11)}`,
    );
  }
  return [...lines, ''];
}

function stderr(result: ProbeResult): string[] {
  const lines = result.mcp?.stderr;
  if (result.status !== 'down' || result.mcp?.transport !== 'stdio' || !lines?.length) return [];
  const last = lines.slice(-STDERR_LINES);
  return [
    `  stderr (last ${last.length} line${last.length === 1 ? '' : 's'})`,
    ...last.map((l) => `    | ${cut(clean(l), WIDTH - 6)}`),
    '',
  ];
}

function ms(value: number): string {
  if (value < 100) return value.toFixed(1);
  return String(Math.round(value));
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 3))}...` : text;
}

/** Control characters (escape sequences included) from a server are shown as '?', never interpreted. */
export function clean(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch === '\t') out += ' ';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += '?';
    else out += ch;
  }
  return out;
}
