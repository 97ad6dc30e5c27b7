import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  valueType?: z.ZodType;
}

const def = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The schema that validates the value at `path` of `data`, following the data through unions (by the
 * discriminator, or to the object branch for an object). Used to list the fields an unknown key could
 * have meant; undefined where the path leaves the schema.
 */
export function schemaAt(
  root: z.ZodType,
  data: unknown,
  path: readonly PropertyKey[],
): z.ZodType | undefined {
  let schema: z.ZodType | undefined = unwrap(root, data);
  let value = data;
  for (const segment of path) {
    if (!schema) return undefined;
    const d = def(schema);
    value = (value as Record<PropertyKey, unknown> | undefined)?.[segment];
    if (d.type === 'object') schema = d.shape?.[String(segment)];
    else if (d.type === 'array') schema = d.element;
    else if (d.type === 'record') schema = d.valueType;
    else return undefined;
    if (schema) schema = unwrap(schema, value);
  }
  return schema;
}

/** The field names an object schema accepts, or none for anything else. */
export function fieldsOf(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  const d = def(schema);
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

function unwrap(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (let i = 0; current && i < 20; i++) {
    const d = def(current);
    if (d.type === 'optional' || d.type === 'default' || d.type === 'prefault' || d.type === 'nullable') {
      current = d.innerType;
    } else if (d.type === 'pipe') {
      current = d.in;
    } else if (d.type === 'union') {
      current = pickOption(d, value);
    } else {
      return current;
    }
  }
  return current;
}

function pickOption(d: Def, value: unknown): z.ZodType | undefined {
  const options = d.options ?? [];
  const record = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  if (d.discriminator) {
    const wanted = record?.[d.discriminator];
    return options.find((o) => {
      const shape = def(unwrap(o, value) ?? o).shape;
      const literal = shape?.[d.discriminator as string] as unknown as {
        _zod: { def: { values: unknown[] } };
      };
      return literal?._zod.def.values.includes(wanted);
    });
  }
  if (record) return options.find((o) => def(unwrap(o, value) ?? o).type === 'object');
  return undefined;
}
