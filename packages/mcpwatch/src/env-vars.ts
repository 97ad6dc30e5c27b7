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
 * Replaces variable references so secrets can stay in the environment instead of in config files and
 * shell history. Understands the spellings the MCP clients use: `${NAME}` (Claude Code, mcpwatch),
 * `${NAME:-default}` (Claude Code), `${env:NAME}` (VS Code, Cursor, Windsurf) and, where given,
 * editor variables like `${workspaceFolder}`. `where` names the place the text came from, so an
 * error can point at it.
 */
export function substitute(text: string, source: VariableSource, where: string): string {
  return text.replace(REFERENCE, (match, expr: string | undefined) => {
    if (expr === undefined) return '${';
    return resolve(expr, match, source, where);
  });
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

function resolve(expr: string, match: string, source: VariableSource, where: string): string {
  const colon = expr.indexOf(':');
  if (colon === -1) {
    if (!NAME.test(expr)) throw unresolvable(match, where);
    const builtin = source.builtins?.[expr];
    if (builtin !== undefined) return builtin;
    return lookup(expr, match, source, where);
  }
  const prefix = expr.slice(0, colon);
  const rest = expr.slice(colon + 1);
  if (prefix === 'env' && NAME.test(rest)) return lookup(rest, match, source, where);
  if (prefix === 'input') {
    throw new UsageError(
      `${match} in ${where} is a VS Code input, which only VS Code can prompt for: put the value in an environment variable and write \${env:NAME} there instead`,
    );
  }
  if (NAME.test(prefix) && rest.startsWith('-')) {
    // Shell semantics, as Claude Code documents them: the default applies when unset or empty.
    const value = source.env[prefix];
    return value === undefined || value === '' ? rest.slice(1) : value;
  }
  throw unresolvable(match, where);
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
