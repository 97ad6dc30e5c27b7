import { readFile } from 'node:fs/promises';
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { substitute, type VariableSource } from '../env-vars.js';
import { ConfigError, type ConfigProblem, formatPath } from './config-error.js';
import { type Config, configSchema, duplicateNames } from './config-schema.js';
import { type Finding, findingsOf } from './issue-text.js';

/** Reads, substitutes and validates `mcpwatch.yaml`; a ConfigError lists every problem found. */
export async function loadConfigFile(file: string, source: VariableSource): Promise<Config> {
  return parseConfig(await readConfigText(file), file, source);
}

/** The file's text; a missing or unreadable file is a ConfigError like any other problem in it. */
export async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'does not exist: create it, or give the path of your mcpwatch.yaml'
        : `cannot be read (${code ?? (error as Error).message}): check its permissions`;
    throw new ConfigError(file, [{ line: 1, column: 1, path: '', message }]);
  }
}

/**
 * The pure part: YAML text in, a validated config out. `${NAME}` references are replaced in string
 * values before validation, so secrets stay in the environment; keys are never substituted.
 */
export function parseConfig(text: string, file: string, source: VariableSource): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ ...at(e.pos[0]), path: '', message: yamlMessage(e.message) })),
    );
  }
  const problems: ConfigProblem[] = [];
  const hidden = new Set<string>();
  const unresolved = new Set<string>();
  substituteNodes(doc.contents, [], source, hidden, (path, node, message) => {
    unresolved.add(formatPath(path));
    problems.push({ ...at(node.range?.[0] ?? 0), path: formatPath(path), message });
  });
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw new ConfigError(file, [
      { line: 1, column: 1, path: '', message: 'the file is empty: add a monitors: list' },
    ]);
  }
  const result = configSchema.safeParse(data);
  const findings: Finding[] = result.success
    ? []
    : findingsOf(result.error.issues, configSchema, data, hidden);
  const monitors = (data as { monitors?: unknown }).monitors;
  if (!result.success && Array.isArray(monitors)) {
    // The schema checks names only once every monitor is valid; say it now rather than on the next run.
    for (const d of duplicateNames(monitors)) {
      const path = ['monitors', d.index, 'name'];
      if (!findings.some((f) => f.message === d.message)) findings.push({ path, message: d.message });
    }
  }
  for (const finding of findings) {
    // A value whose variable is missing was already reported; its unreplaced text is no second mistake.
    if (unresolved.has(formatPath(finding.path))) continue;
    problems.push({
      ...at(offsetOf(doc, finding.path, finding.atKey ?? false)),
      path: formatPath(finding.path),
      message: finding.message,
    });
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new ConfigError(file, problems);
  }
  return result.data as Config;
}

type Report = (path: PropertyKey[], node: Node, message: string) => void;

function substituteNodes(
  node: unknown,
  path: PropertyKey[],
  source: VariableSource,
  hidden: Set<string>,
  report: Report,
): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      substituteNodes(pair.value, [...path, key], source, hidden, report);
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries())
      substituteNodes(item, [...path, index], source, hidden, report);
  } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${')) {
    try {
      const value = substitute(node.value, source, 'this value');
      if (value !== node.value) {
        hidden.add(path.join('\0'));
        node.value = value;
      }
    } catch (error) {
      report(path, node, (error as Error).message);
    }
  }
}

/** Where a finding points: the deepest node of its path that exists, or the key of an unknown field. */
function offsetOf(doc: Document, path: readonly PropertyKey[], atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : '') === String(segment));
      if (!pair) break;
      const key = pair.key as Node;
      if ((last && atKey) || !pair.value) return key.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (!node) break;
    } else {
      break;
    }
    offset = (node as Node).range?.[0] ?? offset;
  }
  return offset;
}

/** The yaml library's messages end with a position this file's own prefix already gives. */
function yamlMessage(message: string): string {
  const text = message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
  return `${text.charAt(0).toLowerCase()}${text.slice(1)}: fix the YAML syntax`;
}
