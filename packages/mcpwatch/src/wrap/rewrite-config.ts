import { isDeepStrictEqual } from 'node:util';
import { parseClientConfig } from '../client-config.js';
import { parseJsonc } from '../jsonc.js';
import { UsageError } from '../usage-error.js';
import { applyEdits, type Edit, type SpanNode, spanAt, spansOf } from './jsonc-spans.js';

/** How `import --wrap` starts the wrapper unless told otherwise: works without installing mcpwatch. */
export const DEFAULT_WRAPPER = ['npx', '-y', 'mcpwatch'];

export interface RewriteResult {
  /** The new file's text; equal to the old one when nothing was wrapped. */
  text: string;
  wrapped: string[];
  /** Servers left alone, with why. */
  skipped: { name: string; why: string }[];
  /**
   * The file was written out again as plain JSON (its comments and trailing commas lost) because its
   * values could not be edited in place. Not expected; said so the user knows to look at the backup.
   */
  lostComments: boolean;
}

/**
 * Puts `mcpwatch wrap` in front of every stdio server of an MCP client config (any format
 * `parseClientConfig` reads): `"command": "node", "args": ["s.js"]` becomes `"command": "npx", "args":
 * ["-y", "mcpwatch", "wrap", "--name", "<name>", "--", "node", "s.js"]`. Only those two values change in the
 * text: comments, formatting, env, cwd and every other key stay as they were. Servers already wrapped are
 * left alone, so running it twice changes nothing. Pure.
 */
export function wrapClientConfig(text: string, file: string, wrapper = DEFAULT_WRAPPER): RewriteResult {
  let doc: unknown;
  try {
    doc = parseJsonc(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message}): fix the file and retry`);
  }
  const config = parseClientConfig(doc, file);
  // The same lookup as parseClientConfig's, which has just accepted this document.
  const root = doc as Record<string, unknown>;
  const where = asObject(root.mcpServers)
    ? ['mcpServers']
    : root.servers !== undefined
      ? ['servers']
      : ['mcp', 'servers'];
  let entries: Record<string, unknown> | undefined = root;
  for (const key of where) entries = asObject(entries?.[key]);
  const wrapped: string[] = [];
  const skipped: RewriteResult['skipped'] = [];
  const edits: Edit[] = [];
  let spans: SpanNode | undefined;
  let inPlace = true;
  try {
    spans = spansOf(text);
  } catch {
    inPlace = false;
  }
  for (const server of config.servers) {
    const entry = asObject(entries?.[server.name]);
    if (server.transport !== 'stdio' || typeof server.target === 'string' || !entry) {
      skipped.push({ name: server.name, why: 'not a stdio server' });
      continue;
    }
    const line = [server.target.command, ...server.target.args];
    if (isWrapped(line)) {
      skipped.push({ name: server.name, why: 'already wrapped' });
      continue;
    }
    const [command, ...prefix] = wrapper as [string, ...string[]];
    const args = [...prefix, 'wrap', '--name', server.name, '--', ...line];
    entry.command = command;
    entry.args = args;
    wrapped.push(server.name);
    const node = spanAt(spans, [...where, server.name]);
    const commandSpan = spanAt(node, ['command']);
    const argsSpan = spanAt(node, ['args']);
    if (!commandSpan) {
      inPlace = false;
      continue;
    }
    edits.push({ start: commandSpan.start, end: commandSpan.end, text: JSON.stringify(command) });
    const argsText = `[${args.map((a) => JSON.stringify(a)).join(', ')}]`;
    if (argsSpan) edits.push({ start: argsSpan.start, end: argsSpan.end, text: argsText });
    else edits.push({ start: commandSpan.end, end: commandSpan.end, text: `, "args": ${argsText}` });
  }
  if (wrapped.length === 0) return { text, wrapped, skipped, lostComments: false };
  if (inPlace) {
    const edited = applyEdits(text, edits);
    // The edit must mean exactly the rewritten document; anything else falls back to writing it out whole.
    try {
      if (isDeepStrictEqual(parseJsonc(edited), doc)) {
        return { text: edited, wrapped, skipped, lostComments: false };
      }
    } catch {}
  }
  let lostComments = false;
  try {
    JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    lostComments = true;
  }
  const out = JSON.stringify(doc, null, indentOf(text));
  return { text: text.endsWith('\n') ? `${out}\n` : out, wrapped, skipped, lostComments };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** `mcpwatch wrap`, `npx -y mcpwatch@1 wrap`, `/path/bin/mcpwatch.js wrap`… anywhere in the command line. */
function isWrapped(line: string[]): boolean {
  return line.some((word, i) => /(^|\/)mcpwatch(\.js)?(@[^/\s]*)?$/.test(word) && line[i + 1] === 'wrap');
}

/** The file's own indentation (two spaces when it has none), so the diff shows only what changed. */
function indentOf(text: string): string | number {
  const m = /\n([ \t]+)\S/.exec(text);
  return m?.[1] ?? 2;
}

/**
 * A unified diff of two texts by line (longest common subsequence), with `context` lines around each
 * change. For config files: quadratic in the line count, so it refuses files past 5,000 lines.
 */
export function lineDiff(before: string, after: string, labels: [string, string], context = 3): string {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > 25_000_000) return `--- ${labels[0]}\n+++ ${labels[1]}\n(too large to show)\n`;
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const next = lcs[i + 1] as Uint32Array;
    for (let j = b.length - 1; j >= 0; j--) {
      row[j] =
        a[i] === b[j] ? (next[j + 1] as number) + 1 : Math.max(next[j] as number, row[j + 1] as number);
    }
  }
  const ops: { kind: ' ' | '-' | '+'; text: string; ai: number; bi: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i] as string, ai: i++, bi: j++ });
    } else if (i < a.length && (j === b.length || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      ops.push({ kind: '-', text: a[i] as string, ai: i++, bi: j });
    } else {
      ops.push({ kind: '+', text: b[j] as string, ai: i, bi: j++ });
    }
  }
  const out = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]?.kind === ' ') {
      k++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change close to it.
    const start = Math.max(0, k - context);
    let end = k;
    let quiet = 0;
    while (end < ops.length && quiet <= 2 * context) {
      quiet = ops[end]?.kind === ' ' ? quiet + 1 : 0;
      end++;
    }
    end = Math.min(ops.length, end - Math.max(0, quiet - context));
    const hunk = ops.slice(start, end);
    const first = hunk[0] as (typeof ops)[number];
    const aCount = hunk.filter((o) => o.kind !== '+').length;
    const bCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${first.ai + 1},${aCount} +${first.bi + 1},${bCount} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    k = end;
  }
  return `${out.join('\n')}\n`;
}
