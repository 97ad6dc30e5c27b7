/**
 * Matches a path against a pattern such as `/monitors/:id` or `/settings/*` (the star takes the rest,
 * also nothing). Returns the named parts, decoded, or null.
 */
export function matchRoute(pattern: string, path: string): Record<string, string> | null {
  const want = split(pattern);
  const have = split(path);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i] as string;
    if (part === '*') {
      params['*'] = have.slice(i).join('/');
      return params;
    }
    const value = have[i];
    if (value === undefined) return null;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(value);
      } catch {
        return null;
      }
    } else if (part !== value) return null;
  }
  return have.length === want.length ? params : null;
}

function split(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}
