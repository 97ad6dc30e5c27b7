/**
 * Reads a value by a small JSONPath subset: `$`, `.key`, `['key']` and `[index]` (negative counts from
 * the end). Enough for health assertions; no filters or wildcards.
 */
export function readPath(value: unknown, path: string): { found: boolean; value?: unknown } {
  const steps = parsePath(path);
  let current = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return { found: false };
      const index = step < 0 ? current.length + step : step;
      if (index < 0 || index >= current.length) return { found: false };
      current = current[index];
    } else {
      if (
        current === null ||
        typeof current !== 'object' ||
        Array.isArray(current) ||
        !Object.hasOwn(current, step)
      ) {
        return { found: false };
      }
      current = (current as Record<string, unknown>)[step];
    }
  }
  return { found: true, value: current };
}

export function parsePath(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  const token =
    /^(?:\.([A-Za-z_$][\w$-]*)|\[(-?\d+)\]|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\])/;
  while (rest.length > 0) {
    const m = token.exec(rest);
    if (!m) throw new Error(`Cannot read the path "${path}" at "${rest}": use $.key, [0] or ['key']`);
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push((m[3] ?? m[4] ?? '').replace(/\\(.)/g, '$1'));
    rest = rest.slice(m[0].length);
  }
  return steps;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
