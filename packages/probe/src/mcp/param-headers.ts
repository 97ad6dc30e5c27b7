import { ProbeFailure } from '../failure.js';
import type { ToolInfo } from '../result.js';

/** An HTTP token (RFC 9110 tchar): what a header name may contain. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Floats are excluded: their text form is not stable across languages, so a header could not match the body.
const PRIMITIVE = new Set(['string', 'integer', 'boolean']);

/**
 * The `Mcp-Param-*` headers a modern tools/call over HTTP must carry (SEP-2243): each input property
 * marked `x-mcp-header` is mirrored into a header so gateways can route on it, and servers reject a call
 * whose header is missing. A tool with a malformed declaration must not be called at all.
 */
export function paramHeaders(tool: ToolInfo, args: Record<string, unknown>): Record<string, string> {
  const properties = (
    tool.inputSchema as { properties?: Record<string, Record<string, unknown>> } | undefined
  )?.properties;
  if (!properties || typeof properties !== 'object') return {};
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [param, schema] of Object.entries(properties)) {
    if (!schema || typeof schema !== 'object' || !('x-mcp-header' in schema)) continue;
    const name = schema['x-mcp-header'];
    const problem =
      typeof name !== 'string' || name === ''
        ? 'is not a non-empty string'
        : !TOKEN.test(name)
          ? `"${name}" is not a valid header name`
          : seen.has(name.toLowerCase())
            ? `"${name}" is declared twice`
            : !PRIMITIVE.has(String(schema.type))
              ? `marks "${param}", which is not a string, integer or boolean`
              : undefined;
    if (problem) {
      throw new ProbeFailure(
        'invalid_response',
        `${tool.name} has an invalid x-mcp-header: it ${problem}; clients must not call it`,
        'call',
      );
    }
    seen.add((name as string).toLowerCase());
    const value = args[param];
    if (value === undefined || value === null) continue;
    headers[`mcp-param-${(name as string).toLowerCase()}`] = encodeValue(String(value));
  }
  return headers;
}

/** Values a header cannot carry as they are (non-ASCII, control characters, edge whitespace) go as Base64. */
export function encodeValue(value: string): string {
  const plain = /^[\x20-\x7e]*$/.test(value) && value === value.trim();
  return plain ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}
