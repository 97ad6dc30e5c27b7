/**
 * `mcp_errors_total{type}` and `error.type` values for the JSON-RPC codes the SDKs answer with; any other
 * code is `server_error`, so a server inventing codes cannot grow a metric's label set. Dependency-free and
 * on its own subpath (`@mcpwatch/instrument/error-types`): `mcpwatch wrap` names errors the same way without
 * loading the rest of the library.
 */
const ERROR_TYPES: Record<number, string> = {
  [-32700]: 'parse_error',
  [-32600]: 'invalid_request',
  [-32601]: 'method_not_found',
  [-32602]: 'invalid_params',
  [-32603]: 'internal_error',
  [-32001]: 'request_timeout',
  [-32002]: 'resource_not_found',
};

export function errorTypeOf(code: number): string {
  return ERROR_TYPES[code] ?? 'server_error';
}
