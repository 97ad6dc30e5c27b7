/**
 * The template language of titles and bodies: `{{name}}` or `{{a.b}}` is replaced by that field of the
 * context, and a field that is absent or empty leaves nothing. Deliberately no logic: a template a user
 * writes in mcpwatch.yaml must not be able to fail or run code; providers escape the result for their
 * format. A line whose fields were all empty is dropped, so optional details leave no blank "Reason: ".
 */
export function fill(template: string, context: Record<string, unknown>): string {
  const lines = template.split('\n').map((line) => {
    let fields = 0;
    let filled = 0;
    const text = line.replace(/\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g, (_, path: string) => {
      fields++;
      const value = lookup(context, path);
      if (
        value === undefined ||
        value === null ||
        value === '' ||
        (Array.isArray(value) && value.length === 0)
      ) {
        return '';
      }
      filled++;
      return Array.isArray(value) ? value.join(', ') : String(value);
    });
    return fields > 0 && filled === 0 ? undefined : text;
  });
  return lines
    .filter((l): l is string => l !== undefined)
    .join('\n')
    .trim();
}

function lookup(context: Record<string, unknown>, path: string): unknown {
  let value: unknown = context;
  for (const key of path.split('.')) {
    // Own fields only: a template must not reach `constructor` or anything else inherited.
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
