import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import { fieldsOf, schemaAt } from './schema-at.js';

/** A problem before it is placed in the file: the data path, and whether it is about the key itself. */
export interface Finding {
  path: PropertyKey[];
  message: string;
  /** Point at the key (an unknown field) rather than its value. */
  atKey?: boolean;
}

/**
 * Rewrites zod's issues as sentences that say what to do. `data` is the parsed input (to see what was
 * given) and `hidden` the paths whose values came from the environment, which are never echoed.
 */
export function findingsOf(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  data: unknown,
  hidden: ReadonlySet<string>,
): Finding[] {
  const out: Finding[] = [];
  for (const issue of issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      const fields = fieldsOf(schemaAt(schema, data, path));
      for (const key of issue.keys) {
        const guess = didYouMean(key, fields);
        out.push({
          path: [...path, key],
          atKey: true,
          message: guess
            ? `unknown field: did you mean ${guess}?`
            : `unknown field: remove it (see docs/configuration.md for the fields of this monitor kind)`,
        });
      }
      continue;
    }
    const branch = matchingBranch(issue, valueAt(data, path));
    if (branch) {
      // Of a union's branches, only the one the value's type chose has anything useful to say.
      const nested = branch.map((i) => ({ ...i, path: [...path, ...i.path] }) as z.core.$ZodIssue);
      out.push(...findingsOf(nested, schema, data, hidden));
      continue;
    }
    out.push({ path, message: sentence(issue, valueAt(data, path), hidden.has(path.join('\0'))) });
  }
  return out;
}

function sentence(issue: z.core.$ZodIssue, given: unknown, hidden: boolean): string {
  const shown = hidden ? 'the value from the environment' : JSON.stringify(given);
  switch (issue.code) {
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      const options = (issue as { options?: unknown[] }).options?.map(String) ?? [];
      if (discriminator) {
        if (given === undefined) return `missing: add ${discriminator}: one of ${options.join(', ')}`;
        const guess = typeof given === 'string' ? didYouMean(given, options) : undefined;
        return `${shown} is not a ${discriminator}: use one of ${options.join(', ')}${guess ? ` (did you mean ${guess}?)` : ''}`;
      }
      return issue.message;
    }
    case 'invalid_type':
      if (given === undefined) return `missing: add it (${article(issue.expected)})`;
      return `${shown} is ${describe(given)}: give ${article(issue.expected)}`;
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      const guess = typeof given === 'string' ? didYouMean(given, issue.values.map(String)) : undefined;
      if (values.length === 1) return `${shown} is not allowed here: use ${values[0]}`;
      return `${shown} is not allowed: use one of ${values.join(', ')}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}`;
    }
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'is empty: give a value';
      if (issue.origin === 'number') {
        return `${shown} is too small: give ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
      }
      return `needs at least ${issue.minimum} ${issue.origin === 'string' ? 'characters' : 'items'}`;
    case 'too_big':
      if (issue.origin === 'number') {
        return `${shown} is too big: give ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
      }
      return `has more than ${issue.maximum} ${issue.origin === 'string' ? 'characters' : 'items'}: shorten it`;
    case 'not_multiple_of':
      return `${shown} is not a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

/** The issues of the one union branch whose type the value has, when exactly one has it. */
function matchingBranch(issue: z.core.$ZodIssue, given: unknown): z.core.$ZodIssue[] | undefined {
  if (issue.code !== 'invalid_union' || given === undefined) return undefined;
  const typed = issue.errors.filter(
    (branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0),
  );
  return typed.length === 1 ? typed[0] : undefined;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
  return `a ${typeof value}`;
}

function article(expected: string): string {
  const names: Record<string, string> = {
    string: 'text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    record: 'a mapping',
  };
  return names[expected] ?? expected;
}
