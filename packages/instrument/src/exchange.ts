// One request and its response, turned into metrics, a log line and a span. Kept apart from the
// transport tapping so that what is recorded for a request can be read, and tested, in one place.

import { errorTypeOf } from './error-types.js';
import type { McpLogger } from './logger.js';
import type { McpMetrics } from './metrics.js';
import { redact } from './redact.js';
import type { RpcMessage } from './tap.js';
import type { RequestInfo, RequestOutcome, RequestTrace, Tracing } from './tracing.js';

/** The `_meta` key modern-era (2026-07-28) requests carry their protocol revision in. */
export const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';

export interface ExchangeDeps {
  metrics: McpMetrics;
  logger: McpLogger;
  tracing: Tracing | undefined;
  /** Put the (redacted) tool arguments on tool call lines. */
  logArguments: boolean;
  redactPattern: RegExp | undefined;
}

/** What the connection knows that a request does not carry itself. */
export interface ConnectionFacts {
  transport: 'pipe' | 'tcp';
  sessionId: string | undefined;
  protocolVersion: string | undefined;
}

export interface Exchange {
  method: string;
  id: string | number;
  started: number;
  tool?: string;
  uri?: string;
  sessionId?: string;
  args?: unknown;
  trace?: RequestTrace;
}

export function beginExchange(
  deps: ExchangeDeps,
  message: RpcMessage & { id: string | number; method: string },
  facts: ConnectionFacts,
): Exchange {
  const params = message.params;
  const meta = params?._meta as Record<string, unknown> | undefined;
  const ex: Exchange = { method: message.method, id: message.id, started: performance.now() };
  if (facts.sessionId) ex.sessionId = facts.sessionId;
  let targetKind: 'tool' | 'prompt' | undefined;
  let target: string | undefined;
  if (message.method === 'tools/call' && typeof params?.name === 'string') {
    ex.tool = target = params.name;
    targetKind = 'tool';
    if (deps.logArguments || deps.logger.enabled('debug')) ex.args = params.arguments;
  } else if (message.method === 'prompts/get' && typeof params?.name === 'string') {
    target = params.name;
    targetKind = 'prompt';
  } else if (message.method === 'resources/read' && typeof params?.uri === 'string') {
    ex.uri = params.uri;
  }
  if (deps.tracing) {
    // Built by assignment, not spreads: this runs on every request.
    const info: RequestInfo = { method: message.method, id: message.id, transport: facts.transport };
    if (target) {
      info.target = target;
      info.targetKind = targetKind;
    }
    if (ex.uri) info.resourceUri = ex.uri;
    const version = meta?.[PROTOCOL_VERSION_META_KEY];
    if (typeof version === 'string') info.protocolVersion = version;
    else if (facts.protocolVersion) info.protocolVersion = facts.protocolVersion;
    if (facts.sessionId) info.sessionId = facts.sessionId;
    if (meta) info.meta = meta;
    ex.trace = deps.tracing.start(info);
  }
  return ex;
}

/** The text of an `isError` tool result, cut short: it names the failure in logs and span status. */
function toolErrorText(result: Record<string, unknown>): string | undefined {
  const content = result.content;
  if (!Array.isArray(content)) return undefined;
  const text = content.find((c) => c && typeof c === 'object' && (c as { type?: unknown }).type === 'text') as
    | { text?: unknown }
    | undefined;
  return typeof text?.text === 'string' ? text.text.slice(0, 200) : undefined;
}

/** Records a finished exchange; `response` undefined means the connection closed before an answer. */
export function finishExchange(deps: ExchangeDeps, ex: Exchange, response: RpcMessage | undefined): void {
  const seconds = (performance.now() - ex.started) / 1000;
  const outcome: RequestOutcome = {};
  if (!response) {
    outcome.errorType = 'connection_closed';
    outcome.errorMessage = 'the connection closed before the response was sent';
    deps.metrics.error('connection_closed');
  } else if (response.error) {
    outcome.errorType = String(response.error.code);
    outcome.rpcCode = response.error.code;
    if (response.error.message) outcome.errorMessage = response.error.message;
    deps.metrics.error(errorTypeOf(response.error.code));
  } else if (ex.tool !== undefined && response.result?.isError === true) {
    // The conventions' value for a tool that ran and reported failure in its result.
    outcome.errorType = 'tool_error';
    const text = toolErrorText(response.result);
    if (text) outcome.errorMessage = text;
    deps.metrics.error('tool_error');
  }
  const ok = outcome.errorType === undefined;
  if (ex.tool !== undefined) deps.metrics.toolCall(ex.tool, ok, seconds);
  if (ex.uri !== undefined) deps.metrics.resourceRead(ex.uri);
  ex.trace?.end(outcome, seconds);

  const isTool = ex.tool !== undefined;
  const level = !ok ? (outcome.errorType === 'tool_error' ? 'warn' : 'error') : isTool ? 'info' : 'debug';
  if (!deps.logger.enabled(level)) return;
  const fields: Record<string, unknown> = {
    method: ex.method,
    request_id: ex.id,
    duration_ms: Math.round(seconds * 100_000) / 100,
    status: ok ? 'success' : 'error',
  };
  if (isTool) fields.tool = ex.tool;
  if (ex.uri !== undefined) fields.resource_uri = ex.uri;
  if (ex.sessionId) fields.session_id = ex.sessionId;
  if (ex.trace?.traceId) fields.trace_id = ex.trace.traceId;
  if (!ok) {
    fields.error_type = outcome.errorType;
    if (outcome.errorMessage) fields.error = outcome.errorMessage;
  }
  if (ex.args !== undefined) fields.arguments = redact(ex.args, deps.redactPattern);
  const message = isTool
    ? ok
      ? 'tool call completed'
      : 'tool call failed'
    : ok
      ? 'request completed'
      : 'request failed';
  deps.logger[level](message, fields);
}
