import { canonicalJson } from '@mcpwatch/probe';

/**
 * Compares two JSON Schemas the way a client of a tool experiences them. An input schema describes what
 * the client sends, so a change that makes the server accept less breaks callers; an output schema
 * describes what the client reads, so a change that can produce what a reader did not expect breaks them.
 * Only the parts clients actually depend on are analysed; anything else that differs is either
 * documentation (compatible) or a combinator we cannot reason about (treated as breaking, and said so).
 */

export type Direction = 'input' | 'output';
export type Severity = 'breaking' | 'compatible';

export interface SchemaChange {
  severity: Severity;
  /** Where in the schema: `limit`, `filter.tags[]`; empty for the root. */
  path: string;
  /** What happened, readable after the path: "now required", "type changed from string to number". */
  what: string;
}

type Schema = Record<string, unknown>;

/** Keywords whose subtrees are compared as opaque values: reasoning about them needs a real solver. */
const OPAQUE = ['$ref', 'anyOf', 'oneOf', 'allOf', 'not', 'if', 'then', 'else', 'patternProperties'] as const;
/** Lower bounds: raising one makes the schema accept less. */
const LOWER = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
/** Upper bounds: lowering one makes the schema accept less. */
const UPPER = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;

export function diffSchema(previous: unknown, current: unknown, direction: Direction): SchemaChange[] {
  if (canonicalJson(previous) === canonicalJson(current)) return [];
  const changes: SchemaChange[] = [];
  walk(asRecord(previous), asRecord(current), '', direction, changes);
  if (changes.length === 0) {
    // The schemas differ but not in anything a client's payload depends on: descriptions, examples, titles.
    changes.push({
      severity: 'compatible',
      path: '',
      what: 'documentation changed (description, title or examples)',
    });
  }
  return changes;
}

/** A JSON object as a record; anything else (absent, an array, a scalar) as an empty one. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The rule for a change that makes the schema accept more (widen) or less (narrow), per direction. */
function severityOf(effect: 'widen' | 'narrow' | 'both', direction: Direction): Severity {
  if (effect === 'both') return 'breaking';
  if (direction === 'input') return effect === 'narrow' ? 'breaking' : 'compatible';
  return effect === 'widen' ? 'breaking' : 'compatible';
}

function walk(prev: Schema, next: Schema, path: string, direction: Direction, out: SchemaChange[]): void {
  compareTypes(prev, next, path, direction, out);
  compareEnums(prev, next, path, direction, out);
  if (direction === 'input') compareBounds(prev, next, path, out);
  compareProperties(prev, next, path, direction, out);
  compareAdditional(prev, next, path, direction, out);
  if (prev.items !== undefined || next.items !== undefined) {
    walk(asRecord(prev.items), asRecord(next.items), `${path}[]`, direction, out);
  }
  for (const key of OPAQUE) {
    if (canonicalJson(prev[key]) !== canonicalJson(next[key])) {
      out.push({
        severity: 'breaking',
        path,
        what: `\`${key}\` changed (not analysed, treated as breaking)`,
      });
    }
  }
}

function typesOf(schema: Schema): Set<string> | undefined {
  const t = schema.type;
  if (typeof t === 'string') return new Set([t]);
  if (Array.isArray(t)) return new Set(t.filter((x): x is string => typeof x === 'string'));
  return undefined;
}

/** Whether every value of type `a` is also of one of `types` (an integer is a number). */
function covered(a: string, types: Set<string>): boolean {
  return types.has(a) || (a === 'integer' && types.has('number'));
}

function compareTypes(prev: Schema, next: Schema, path: string, direction: Direction, out: SchemaChange[]) {
  const a = typesOf(prev);
  const b = typesOf(next);
  if (a === undefined && b === undefined) return;
  const label = (s: Set<string> | undefined) => (s === undefined ? 'any' : [...s].sort().join(' | '));
  if (label(a) === label(b)) return;
  // No `type` means any type: dropping it widens, adding it narrows.
  const lost = a === undefined ? true : [...a].some((t) => b !== undefined && !covered(t, b));
  const gained = b === undefined ? true : [...b].some((t) => a !== undefined && !covered(t, a));
  const effect = lost && gained ? 'both' : lost ? 'narrow' : 'widen';
  out.push({
    severity: severityOf(effect, direction),
    path,
    what: `type changed from ${label(a)} to ${label(b)}`,
  });
}

function enumOf(schema: Schema): string[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum.map(canonicalJson);
  if ('const' in schema) return [canonicalJson(schema.const)];
  return undefined;
}

function compareEnums(prev: Schema, next: Schema, path: string, direction: Direction, out: SchemaChange[]) {
  const a = enumOf(prev);
  const b = enumOf(next);
  if (a === undefined && b === undefined) return;
  if (a === undefined) {
    out.push({ severity: severityOf('narrow', direction), path, what: `now limited to ${b?.join(', ')}` });
    return;
  }
  if (b === undefined) {
    out.push({
      severity: severityOf('widen', direction),
      path,
      what: 'no longer limited to a set of values',
    });
    return;
  }
  const removed = a.filter((v) => !b.includes(v));
  const added = b.filter((v) => !a.includes(v));
  if (removed.length > 0) {
    out.push({
      severity: severityOf('narrow', direction),
      path,
      what: `value ${removed.join(', ')} removed`,
    });
  }
  if (added.length > 0) {
    out.push({ severity: severityOf('widen', direction), path, what: `value ${added.join(', ')} added` });
  }
}

function compareBounds(prev: Schema, next: Schema, path: string, out: SchemaChange[]) {
  for (const key of [...LOWER, ...UPPER]) {
    const a = prev[key];
    const b = next[key];
    if (a === b) continue;
    const lower = (LOWER as readonly string[]).includes(key);
    let narrows: boolean;
    if (typeof a !== 'number') narrows = true;
    else if (typeof b !== 'number') narrows = false;
    else narrows = lower ? b > a : b < a;
    out.push({
      severity: narrows ? 'breaking' : 'compatible',
      path,
      what: `${key} ${a === undefined ? 'set to' : b === undefined ? 'removed, was' : 'changed to'} ${b ?? a}`,
    });
  }
  for (const key of ['pattern', 'format'] as const) {
    if (prev[key] === next[key]) continue;
    // A regular expression or format cannot be compared for inclusion; only dropping one surely widens.
    const severity = next[key] === undefined ? 'compatible' : 'breaking';
    out.push({ severity, path, what: `${key} ${next[key] === undefined ? 'removed' : `now ${next[key]}`}` });
  }
}

function requiredOf(schema: Schema): Set<string> {
  return new Set(Array.isArray(schema.required) ? schema.required.filter((x) => typeof x === 'string') : []);
}

function propertiesOf(schema: Schema): Record<string, unknown> {
  return asRecord(schema.properties);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function compareProperties(
  prev: Schema,
  next: Schema,
  path: string,
  direction: Direction,
  out: SchemaChange[],
) {
  const a = propertiesOf(prev);
  const b = propertiesOf(next);
  const reqA = requiredOf(prev);
  const reqB = requiredOf(next);
  const names = [...new Set([...Object.keys(a), ...Object.keys(b), ...reqA, ...reqB])].sort();
  for (const name of names) {
    const at = join(path, name);
    // Own keys only: a property named `constructor` or `toString` is not inherited from Object.
    const inA = Object.hasOwn(a, name);
    const inB = Object.hasOwn(b, name);
    if (inA && !inB) {
      // A caller still sending it, or a reader still reading it, is broken either way.
      out.push({ severity: 'breaking', path: at, what: 'removed' });
      continue;
    }
    if (!inA && inB) {
      const required = reqB.has(name);
      const severity = direction === 'input' && required ? 'breaking' : 'compatible';
      out.push({ severity, path: at, what: required ? 'added, required' : 'added, optional' });
      continue;
    }
    if (!reqA.has(name) && reqB.has(name)) {
      out.push({
        severity: direction === 'input' ? 'breaking' : 'compatible',
        path: at,
        what: 'now required',
      });
    } else if (reqA.has(name) && !reqB.has(name)) {
      const what = direction === 'input' ? 'now optional' : 'may now be absent';
      out.push({ severity: direction === 'input' ? 'compatible' : 'breaking', path: at, what });
    }
    if (inA && inB) walk(asRecord(a[name]), asRecord(b[name]), at, direction, out);
  }
}

function compareAdditional(
  prev: Schema,
  next: Schema,
  path: string,
  direction: Direction,
  out: SchemaChange[],
) {
  const closed = (s: Schema) => s.additionalProperties === false;
  if (closed(prev) === closed(next)) return;
  // Readers ignore fields they do not know, so opening or closing an output object breaks nobody.
  if (closed(next)) {
    const severity = direction === 'input' ? 'breaking' : 'compatible';
    out.push({ severity, path, what: 'additionalProperties closed' });
  } else {
    out.push({ severity: 'compatible', path, what: 'additionalProperties opened' });
  }
}
