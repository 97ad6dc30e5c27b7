/** Parses a `WWW-Authenticate` challenge: `Bearer realm="x", resource_metadata="https://…"`. */
export function parseChallenge(header: string | undefined): {
  scheme?: string;
  params: Record<string, string>;
} {
  if (!header) return { params: {} };
  const scheme = /^\s*([A-Za-z0-9_-]+)/.exec(header)?.[1];
  const params: Record<string, string> = {};
  for (const m of header.matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    const key = m[1] as string;
    params[key.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return scheme ? { scheme, params } : { params };
}

/**
 * Where to find the protected-resource metadata (RFC 9728): the `resource_metadata` parameter of the
 * challenge, else the well-known URL with the endpoint's path appended, then the root well-known URL.
 */
export function metadataUrls(endpoint: URL, challenge: string | undefined): string[] {
  const fromHeader = parseChallenge(challenge).params.resource_metadata;
  if (fromHeader) {
    try {
      return [new URL(fromHeader, endpoint).href];
    } catch {
      // An unparseable URL in the header falls through to the well-known locations.
    }
  }
  const root = new URL('/.well-known/oauth-protected-resource', endpoint.origin).href;
  const path = endpoint.pathname.replace(/\/$/, '');
  return path ? [`${root}${path}`, root] : [root];
}
