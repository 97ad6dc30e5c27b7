/**
 * The closed set of reasons a probe can report. Every code has one line that tells a person what to do;
 * docs/reasons.md lists the same codes and a test keeps the two in step.
 */
export const REASONS = {
  dns: 'The host name did not resolve: check the URL and the DNS record.',
  connect_refused: 'Nothing is listening on that port: start the server or fix the port.',
  connect_timeout:
    'The TCP connection did not complete in time: check firewalls, routing and that the host is up.',
  connect_reset:
    'The server closed or reset the connection: check its logs for a crash or a proxy in between.',
  tls_invalid: 'The TLS certificate is not trusted or the handshake failed: install a valid chain.',
  tls_expired: 'The TLS certificate has expired: renew it.',
  tls_hostname: 'The TLS certificate does not cover this host name: issue one that does.',
  tls_expiring: 'The TLS certificate expires soon: renew it before it does.',
  http_status: 'The server answered with an unexpected HTTP status: check its logs and the URL path.',
  auth_required:
    'The server requires authorization: give the probe a token (for example --header "Authorization: Bearer ${TOKEN}").',
  protocol_unsupported:
    'The server does not speak a protocol revision the probe knows: check the URL points at an MCP endpoint.',
  invalid_json:
    'The server sent a body that is not valid JSON: check for a proxy or error page in front of it.',
  invalid_response:
    'The server sent a reply that is not valid MCP (wrong content type, shape or id): check it follows the spec.',
  jsonrpc_error: 'The server answered a request with a JSON-RPC error: see the message and the server logs.',
  timeout: 'The server did not answer in time: it may be hung or overloaded; check its logs and event loop.',
  tool_missing: 'An expected tool is not in the tool list: a deploy may have removed or renamed it.',
  tool_error: 'The tool call returned isError: true: see the message and the server logs.',
  assertion_failed: 'A check on the response failed: compare the expected and the observed values.',
  output_schema_invalid:
    "The tool result does not match the tool's outputSchema: fix the tool or its schema.",
  response_too_large: 'The response exceeded the byte limit: raise maxBytes if this is expected.',
  spawn_failed: 'The command could not be started: check the path, arguments and permissions.',
  process_exited: 'The server process exited before the probe finished: see its stderr.',
  cancelled:
    'The caller cancelled the probe before it finished: this says nothing about the server; run it again.',
  slow: 'The probe succeeded but took longer than the slow threshold: check the server load.',
} as const;

export type Reason = keyof typeof REASONS;

export const REASON_CODES = Object.keys(REASONS) as Reason[];
