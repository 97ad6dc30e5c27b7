import type { JsonSchema } from './json-schema.ts';

/**
 * How one schema property is edited. Derived from the schema alone, so a new option in the service's
 * schema appears in the form without a change here.
 */
export type FieldKind =
  | 'text' // a string; `inputType` says url
  | 'number'
  | 'checkbox'
  | 'select' // an enum
  | 'list' // an array of scalars: one entry per line
  | 'map' // an object of strings (headers, env): one `name: value` per line
  | 'json' // anything else (tool arguments, templates, `equals`): JSON text
  | 'group' // an object with known properties: its own fields, named `parent.child`
  | 'rows' // a list of such objects (a status page's items): one row of fields each, `parent.0.child`
  | 'union'; // anyOf a scalar and an object (a URL or a command): one variant at a time

export interface Field {
  /** The dotted path of the value, and the input's `name` (`target`, `tls.insecure`). */
  name: string;
  label: string;
  kind: FieldKind;
  schema: JsonSchema;
  required: boolean;
  description?: string;
  inputType?: 'url' | 'text';
  options?: string[];
  children?: Field[];
  /** A union's variants: each a field of the same name (a URL input, or a group of command fields). */
  variants?: Field[];
}

const UNITS: [RegExp, string][] = [
  [/Sec$/, ' (seconds)'],
  [/Ms$/, ' (ms)'],
  [/Min$/, ' (minutes)'],
  [/Days$/, ' (days)'],
];

/** `intervalSec` → "Interval (seconds)", `expectTools` → "Expect tools". */
export function labelOf(key: string): string {
  let unit = '';
  let base = key;
  for (const [suffix, text] of UNITS) {
    if (suffix.test(key)) {
      base = key.replace(suffix, '');
      unit = text;
      break;
    }
  }
  const words = base.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1) + unit;
}

const isScalar = (s: JsonSchema | undefined): boolean =>
  s !== undefined &&
  (s.type === 'string' ||
    s.type === 'number' ||
    s.type === 'integer' ||
    s.anyOf?.every((v) => v.type === 'string' || v.type === 'integer' || v.type === 'number') === true);

/** An object of scalar options only, which fits on one row. */
const isFlatObject = (s: JsonSchema | undefined): boolean =>
  s?.type === 'object' &&
  s.properties !== undefined &&
  Object.values(s.properties).every((p) => isScalar(p) || p.type === 'boolean' || p.enum !== undefined);

function kindOf(schema: JsonSchema): FieldKind {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    if (variants.some((v) => v.type === 'object' && v.properties)) return 'union';
    // A string or a list of strings (PEM certificates): a list says both.
    if (variants.some((v) => v.type === 'array' && isScalar(v.items))) return 'list';
    return 'json';
  }
  if (schema.enum) return 'select';
  switch (schema.type) {
    case 'string':
      return 'text';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'checkbox';
    case 'array':
      if (isScalar(schema.items)) return 'list';
      return isFlatObject(schema.items) ? 'rows' : 'json';
    case 'object':
      if (schema.properties && schema.additionalProperties === false) return 'group';
      if (
        !schema.properties &&
        typeof schema.additionalProperties === 'object' &&
        schema.additionalProperties.type === 'string'
      )
        return 'map';
      return 'json';
    default:
      return 'json';
  }
}

/** One property's field; `name` is its dotted path. */
export function fieldOf(name: string, schema: JsonSchema, required: boolean): Field {
  const key = name.slice(name.lastIndexOf('.') + 1);
  const kind = kindOf(schema);
  const field: Field = { name, label: labelOf(key), kind, schema, required };
  const description = schema.description ?? (schema.anyOf ?? []).find((v) => v.description)?.description;
  if (description) field.description = description;
  if (kind === 'text') field.inputType = schema.format === 'uri' ? 'url' : 'text';
  if (kind === 'select') field.options = (schema.enum ?? []).map(String);
  if (kind === 'group') field.children = fieldsOf(schema, name);
  if (kind === 'rows') field.children = fieldsOf(schema.items ?? {}, name);
  if (kind === 'union') {
    field.variants = (schema.anyOf ?? schema.oneOf ?? []).map((variant) => ({
      ...fieldOf(name, { ...variant, description: undefined }, required),
      label: variant.type === 'object' ? 'Command' : variant.format === 'uri' ? 'URL' : labelOf(key),
    }));
  }
  return field;
}

/** The fields of an object schema's properties, in the schema's order, skipping `skip`. */
export function fieldsOf(schema: JsonSchema, prefix = '', skip: readonly string[] = []): Field[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .filter(([key]) => !skip.includes(key))
    .map(([key, property]) => fieldOf(prefix ? `${prefix}.${key}` : key, property, required.has(key)));
}

/**
 * The branches of a discriminated union (`oneOf` with a `const` discriminator, as zod writes
 * `z.discriminatedUnion`): the monitor kinds, the channel types.
 */
export function branchesOf(schema: JsonSchema, discriminator: string): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  for (const branch of schema.oneOf ?? schema.anyOf ?? []) {
    const value = branch.properties?.[discriminator]?.const;
    if (typeof value === 'string') out.set(value, branch);
  }
  return out;
}

/** The properties every branch has (name, tags, alerting), so the form can show them apart. */
export function commonKeys(branches: Iterable<JsonSchema>): Set<string> {
  let common: Set<string> | undefined;
  for (const branch of branches) {
    const keys = new Set(Object.keys(branch.properties ?? {}));
    common = common ? new Set([...common].filter((k) => keys.has(k))) : keys;
  }
  return common ?? new Set();
}

/** Row `index` of a `rows` field: its children named `parent.<index>.child`. */
export function rowFields(field: Field, index: number): Field[] {
  return (field.children ?? []).map((child) => ({
    ...child,
    name: `${field.name}.${index}.${child.name.slice(field.name.length + 1)}`,
  }));
}
