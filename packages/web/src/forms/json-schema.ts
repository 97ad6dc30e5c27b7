/**
 * The part of JSON Schema (2020-12, as zod writes it) that the service's request and config schemas
 * use, and a validator for it. The dashboard's forms are derived from these schemas and checked
 * against them as the user types, so the browser says what the service would say before it is asked.
 */
export interface JsonSchema {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** One problem, at a dotted path (`target.command`, `tags.2`); '' is the value itself. */
export interface SchemaError {
  path: string;
  message: string;
}

const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

function matchesType(type: JsonSchema['type'], value: unknown): boolean {
  const actual = typeOf(value);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'empty',
};

function isUri(text: string): boolean {
  try {
    return new URL(text).protocol.length > 1;
  } catch {
    return false;
  }
}

/** Every problem of `value` against `schema`; an empty list means valid. */
export function validate(schema: JsonSchema, value: unknown, path = ''): SchemaError[] {
  const errors: SchemaError[] = [];
  const fail = (message: string) => errors.push({ path, message });
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    // The variant with the fewest problems explains the value best (a URL typed as text, not a command).
    let best: SchemaError[] | undefined;
    const typed = variants.filter((v) => !v.type || matchesType(v.type, value));
    for (const variant of typed.length > 0 ? typed : variants) {
      const found = validate(variant, value, path);
      if (found.length === 0) return errors;
      if (!best || found.length < best.length) best = found;
    }
    return best ?? errors;
  }
  if (schema.const !== undefined && value !== schema.const) {
    fail(`must be ${JSON.stringify(schema.const)}`);
    return errors;
  }
  if (schema.type && !matchesType(schema.type, value)) {
    fail(`must be ${TYPE_WORDS[schema.type]}`);
    return errors;
  }
  if (schema.enum && !schema.enum.includes(value)) fail(`must be one of ${schema.enum.join(', ')}`);
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength)
      fail(schema.minLength === 1 ? 'must not be empty' : `needs at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && length > schema.maxLength)
      fail(`must be at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
      fail('has a form the service does not accept');
    if (schema.format === 'uri' && !isUri(value)) fail('must be a URL, like https://example.com/mcp');
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`must be at least ${schema.minimum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      fail(`must be more than ${schema.exclusiveMinimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`must be at most ${schema.maximum}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
      fail(`must be less than ${schema.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      fail(schema.minItems === 1 ? 'needs at least one entry' : `needs at least ${schema.minItems} entries`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      fail(`takes at most ${schema.maxItems} entries`);
    const items = schema.items;
    if (items) {
      for (const [i, item] of value.entries()) errors.push(...validate(items, item, join(path, i)));
    }
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (record[key] === undefined) errors.push({ path: join(path, key), message: 'is required' });
    }
    for (const [key, item] of Object.entries(record)) {
      if (item === undefined) continue;
      const property = schema.properties?.[key];
      if (property) errors.push(...validate(property, item, join(path, key)));
      else if (schema.additionalProperties === false)
        errors.push({ path: join(path, key), message: 'is not a known option' });
      else if (typeof schema.additionalProperties === 'object')
        errors.push(...validate(schema.additionalProperties, item, join(path, key)));
    }
  }
  return errors;
}
