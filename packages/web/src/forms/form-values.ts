import type { SchemaError } from './json-schema.ts';
import { type Field, rowFields } from './schema-fields.ts';

/**
 * What the inputs hold, by field name: text for most, a boolean for checkboxes. A union's chosen
 * variant is kept under `<name>@variant`.
 */
export type RawValues = Record<string, string | boolean | undefined>;

export const variantKey = (name: string) => `${name}@variant`;

/** How many rows a `rows` field has. */
export const rowsKey = (name: string) => `${name}@rows`;

export function rowCount(raw: RawValues, name: string): number {
  return Number(raw[rowsKey(name)] ?? 0) || 0;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

function listItem(field: Field, line: string): unknown {
  const items = field.schema.items ?? field.schema.anyOf?.find((v) => v.type === 'array')?.items;
  const numeric = [items?.type, ...(items?.anyOf ?? []).map((v) => v.type)].some(
    (t) => t === 'integer' || t === 'number',
  );
  return numeric && NUMBER.test(line) ? Number(line) : line;
}

/** `name: value` or `NAME=value`, split at whichever comes first (a header's value may hold `=`). */
function splitEntry(line: string): [string, string] | undefined {
  const at = [line.indexOf(':'), line.indexOf('=')].filter((i) => i > 0);
  if (at.length === 0) return undefined;
  const i = Math.min(...at);
  return [line.slice(0, i).trim(), line.slice(i + 1).trim()];
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function readField(field: Field, raw: RawValues, errors: SchemaError[]): unknown {
  const input = raw[field.name];
  const text = typeof input === 'string' ? input : '';
  switch (field.kind) {
    case 'checkbox': {
      const fallback = field.schema.default === true;
      const checked = typeof input === 'boolean' ? input : fallback;
      // Left at its default, the option is not sent, so the service's default applies.
      return checked === fallback ? undefined : checked;
    }
    case 'number': {
      const trimmed = text.trim();
      if (trimmed === '') return undefined;
      const n = Number(trimmed);
      return Number.isNaN(n) ? trimmed : n;
    }
    case 'text':
    case 'select':
      return text === '' ? undefined : text;
    case 'list': {
      const items = lines(text).map((line) => listItem(field, line));
      return items.length === 0 ? undefined : items;
    }
    case 'map': {
      const out: Record<string, string> = {};
      for (const line of lines(text)) {
        const entry = splitEntry(line);
        if (!entry) {
          errors.push({ path: field.name, message: `"${line}" needs a name and a value: name: value` });
          continue;
        }
        out[entry[0]] = entry[1];
      }
      return Object.keys(out).length === 0 ? undefined : out;
    }
    case 'json': {
      if (text.trim() === '') return undefined;
      try {
        return JSON.parse(text);
      } catch {
        errors.push({ path: field.name, message: 'must be JSON, like {"key": "value"}' });
        return undefined;
      }
    }
    case 'group': {
      const value = readFields(field.children ?? [], raw, errors);
      return Object.keys(value).length === 0 ? undefined : value;
    }
    case 'rows': {
      const rows: Record<string, unknown>[] = [];
      for (let i = 0; i < rowCount(raw, field.name); i++) {
        const row = readFields(rowFields(field, i), raw, errors);
        if (Object.keys(row).length > 0) rows.push(row);
      }
      return rows.length === 0 ? undefined : rows;
    }
    case 'union': {
      const variants = field.variants ?? [];
      const chosen = variants[Number(raw[variantKey(field.name)] ?? 0)] ?? variants[0];
      return chosen ? readField(chosen, raw, errors) : undefined;
    }
  }
}

/**
 * The value the inputs describe: empty inputs are left out (the service fills its defaults). Input that
 * cannot even be read (bad JSON, a header line without a value) is reported in `errors`.
 */
export function readFields(fields: readonly Field[], raw: RawValues, errors: SchemaError[] = []) {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = readField(field, raw, errors);
    const key = field.name.slice(field.name.lastIndexOf('.') + 1);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function writeField(field: Field, value: unknown, raw: RawValues): void {
  switch (field.kind) {
    case 'checkbox':
      raw[field.name] = typeof value === 'boolean' ? value : field.schema.default === true;
      return;
    case 'number':
    case 'text':
    case 'select':
      raw[field.name] = value === undefined || value === null ? '' : String(value);
      return;
    case 'list':
      raw[field.name] = Array.isArray(value) ? value.join('\n') : value === undefined ? '' : String(value);
      return;
    case 'map':
      raw[field.name] = Object.entries((value as Record<string, string>) ?? {})
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n');
      return;
    case 'json':
      raw[field.name] = value === undefined ? '' : JSON.stringify(value, null, 2);
      return;
    case 'group':
      writeFields(field.children ?? [], (value as Record<string, unknown>) ?? {}, raw);
      return;
    case 'rows': {
      const rows = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
      raw[rowsKey(field.name)] = String(rows.length);
      rows.forEach((row, i) => {
        writeFields(rowFields(field, i), row, raw);
      });
      return;
    }
    case 'union': {
      const variants = field.variants ?? [];
      const index = Math.max(
        0,
        variants.findIndex((v) => (v.kind === 'group') === (typeof value === 'object' && value !== null)),
      );
      raw[variantKey(field.name)] = String(index);
      const chosen = variants[index];
      if (chosen) writeField(chosen, value, raw);
    }
  }
}

/** The inputs' text for a stored value (editing a monitor). */
export function writeFields(fields: readonly Field[], value: Record<string, unknown>, raw: RawValues = {}) {
  for (const field of fields) {
    const key = field.name.slice(field.name.lastIndexOf('.') + 1);
    writeField(field, value[key], raw);
  }
  return raw;
}

/**
 * The input an error belongs to: the longest field name that is its path or a prefix of it
 * (`headers.Authorization` → `headers`, `target.command` → `target.command`).
 */
export function fieldForPath(path: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const name of names) {
    if ((path === name || path.startsWith(`${name}.`)) && (!best || name.length > best.length)) best = name;
  }
  return best;
}

/** Every input name under these fields, nested ones included. */
export function allNames(fields: readonly Field[]): string[] {
  return fields.flatMap((f) => [
    f.name,
    ...allNames(f.children ?? []),
    ...allNames((f.variants ?? []).flatMap((v) => v.children ?? [])),
  ]);
}

/** Groups errors by the input that shows them; an error no input owns goes under ''. */
export function errorsByField(errors: readonly SchemaError[], names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const error of errors) {
    const name = fieldForPath(error.path, names) ?? '';
    if (out.has(name)) continue;
    const rest = name && error.path !== name ? `${error.path.slice(name.length + 1)}: ` : '';
    out.set(name, rest + error.message);
  }
  return out;
}
