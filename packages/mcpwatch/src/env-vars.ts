import { UsageError } from './usage-error.js';

export interface VariableSource {
  /** Where `${NAME}` is looked up: the process environment in the CLI, a fixed map in tests. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Editor variables such as `workspaceFolder` and `userHome`, given only where a config's location
   * gives them a meaning (a `.vscode/mcp.json` knows its workspace).
   */
  builtins?: Readonly<Record<string, string>>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `$${` is the escape for a literal `${`; otherwise `${...}` up to the first `}` is a reference. */
const REFERENCE = /\$\$\{|\$\{([^{}]*)\}/g;

/**
 * One `${...}` reference, in the spellings the MCP clients use: `${NAME}` (Claude Code, mcpwatch; an
 * editor variable like `${workspaceFolder}` where one is defined), `${NAME:-default}` (Claude Code),
 * `${env:NAME}` (VS Code, Cursor, Windsurf) and `${input:id}` (VS Code, which prompts for it).
 */
export type Reference =
  | { type: 'name'; name: string }
  | { type: 'env'; name: string }
  | { type: 'default'; name: string; fallback: string }
  | { type: 'input'; id: string }
  | { type: 'unknown' };

/** What the text between `${` and `}` refers to. */
export function parseReference(expr: string): Reference {
  if (NAME.test(expr)) return { type: 'name', name: expr };
  const colon = expr.indexOf(':');
  if (colon === -1) return { type: 'unknown' };
  const prefix = expr.slice(0, colon);
  const rest = expr.slice(colon + 1);
  if (prefix === 'env' && NAME.test(rest)) return { type: 'env', name: rest };
  if (prefix === 'input') return { type: 'input', id: rest };
  if (NAME.test(prefix) && rest.startsWith('-'))
    return { type: 'default', name: prefix, fallback: rest.slice(1) };
  return { type: 'unknown' };
}

/**
 * Replaces each reference in `text` by what `replace` returns for it; the escape `$${` becomes `escaped`
 * (a literal `${` when substituting, itself when a reference is only rewritten).
 */
export function replaceReferences(
  text: string,
  replace: (reference: Reference, match: string) => string,
  escaped = '${',
): string {
  return text.replace(REFERENCE, (match, expr: string | undefined) =>
    expr === undefined ? escaped : replace(parseReference(expr), match),
  );
}

/** Whether the text holds a reference (an escaped `$${` is none). */
export function hasReference(text: string): boolean {
  return [...text.matchAll(REFERENCE)].some((m) => m[1] !== undefined);
}

/**
 * Replaces variable references so secrets can stay in the environment instead of in config files and
 * shell history; editor variables come from `source.builtins` where given. `where` names the place the
 * text came from, so an error can point at it.
 */
export function substitute(text: string, source: VariableSource, where: string): string {
  return replaceReferences(text, (reference, match) => resolve(reference, match, source, where));
}

/** Substitutes every string inside a JSON value (tool arguments, say), leaving keys and other types alone. */
export function substituteDeep(value: unknown, source: VariableSource, where: string): unknown {
  if (typeof value === 'string') return substitute(value, source, where);
  if (Array.isArray(value)) return value.map((v) => substituteDeep(v, source, where));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteDeep(v, source, `${where} (${k})`)]),
    );
  }
  return value;
}

function resolve(reference: Reference, match: string, source: VariableSource, where: string): string {
  switch (reference.type) {
    case 'name':
      return source.builtins?.[reference.name] ?? lookup(reference.name, match, source, where);
    case 'env':
      return lookup(reference.name, match, source, where);
    case 'default': {
      // Shell semantics, as Claude Code documents them: the default applies when unset or empty.
      const value = source.env[reference.name];
      return value === undefined || value === '' ? reference.fallback : value;
    }
    case 'input':
      throw new UsageError(
        `${match} in ${where} is a VS Code input, which only VS Code can prompt for: put the value in an environment variable and write \${env:NAME} there instead`,
      );
    case 'unknown':
      throw unresolvable(match, where);
  }
}

function lookup(name: string, match: string, source: VariableSource, where: string): string {
  const value = source.env[name];
  if (value === undefined) {
    throw new UsageError(
      `${match} in ${where} is not set: export ${name} before running mcpwatch (write $\${...} for a literal \${...})`,
    );
  }
  return value;
}

function unresolvable(match: string, where: string): UsageError {
  return new UsageError(
    `${match} in ${where} is not a variable mcpwatch can resolve: use \${NAME} or \${env:NAME} for an environment variable`,
  );
}
