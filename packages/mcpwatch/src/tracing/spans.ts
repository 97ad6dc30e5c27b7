// One check as a trace, built after the fact from its ProbeResult: the probe library stays free of
// OpenTelemetry, and a check costs the same whether traces are on or not until it has finished.

import { PHASES, type Phase, type ProbeResult } from '@mcpwatch/probe';
import {
  type Attributes,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';

/** What the span needs to know of the monitor, beside its result. */
export interface CheckSubject {
  name: string;
  kind: string;
  /** A URL, host:port, a package name, or a stdio command (which is never recorded: its args may hold secrets). */
  target: unknown;
  call?: { tool: string } | undefined;
}

/**
 * The span name and `mcp.method.name` of a check, from the monitor's definition rather than from how far
 * a check got, so every check of one monitor has the same name, up or down. Every MCP check lists the
 * tools (a tools/call check calls one after that), so `tools/list` or `tools/call {tool}` is what the
 * check is for; the handshake (`initialize` or `server/discover`) is one of its phases.
 */
export function checkOperation(subject: CheckSubject): { name: string; method?: string; tool?: string } {
  if (subject.kind !== 'mcp') return { name: `mcpwatch.check ${subject.kind}` };
  const tool = subject.call?.tool;
  if (tool !== undefined) return { name: `tools/call ${tool}`, method: 'tools/call', tool };
  return { name: 'tools/list', method: 'tools/list' };
}

/** Records the check's span and one child per timed phase, laid end to end from the check's start. */
export function recordCheck(tracer: Tracer, subject: CheckSubject, result: ProbeResult): void {
  const operation = checkOperation(subject);
  const start = Date.parse(result.startedAt);
  const phases = PHASES.filter((phase) => result.timings[phase] !== undefined || result.phase === phase);
  const phaseTotal = phases.reduce((sum, phase) => sum + (result.timings[phase] ?? 0), 0);
  // The verdict is timed before cleanup (the close phase); a parent still ends after all its children.
  const end = start + Math.max(result.durationMs + (result.timings.close ?? 0), phaseTotal);
  const root = tracer.startSpan(
    operation.name,
    { kind: SpanKind.CLIENT, startTime: start, attributes: rootAttributes(subject, result, operation) },
    ROOT_CONTEXT,
  );
  failIfDown(root, result);
  const parent = trace.setSpan(ROOT_CONTEXT, root);
  let at = start;
  for (const phase of phases) {
    const ms = result.timings[phase] ?? 0;
    const child = tracer.startSpan(
      phase,
      { kind: SpanKind.INTERNAL, startTime: at, attributes: phaseAttributes(phase, result, operation) },
      parent,
    );
    if (result.phase === phase) failIfDown(child, result);
    at += ms;
    child.end(at);
  }
  root.end(end);
}

function failIfDown(span: Span, result: ProbeResult): void {
  if (result.status !== 'down') return;
  if (result.reason) span.setAttribute('error.type', result.reason);
  span.setStatus({ code: SpanStatusCode.ERROR, message: result.message });
}

function rootAttributes(
  subject: CheckSubject,
  result: ProbeResult,
  operation: ReturnType<typeof checkOperation>,
): Attributes {
  const a: Attributes = {
    'mcpwatch.monitor.name': subject.name,
    'mcpwatch.monitor.kind': subject.kind,
    'mcpwatch.check.status': result.status,
  };
  if (result.reason) a['mcpwatch.check.reason'] = result.reason;
  if (operation.method) a['mcp.method.name'] = operation.method;
  if (operation.tool) {
    a['gen_ai.tool.name'] = operation.tool;
    a['gen_ai.operation.name'] = 'execute_tool';
  }
  const mcp = result.mcp;
  if (mcp?.protocolVersion) a['mcp.protocol.version'] = mcp.protocolVersion;
  if (mcp?.era) a['mcpwatch.mcp.era'] = mcp.era;
  if (mcp?.transport) a['mcpwatch.mcp.transport'] = mcp.transport;
  if (mcp?.tools) a['mcpwatch.tools.count'] = mcp.tools.length;
  if (mcp?.toolsHash) a['mcpwatch.tools.hash'] = mcp.toolsHash;
  if (mcp?.toolCall?.isError) a['mcpwatch.tool_call.is_error'] = true;
  if (result.http) a['http.response.status_code'] = result.http.status;
  if (result.tls?.daysLeft !== undefined) a['mcpwatch.tls.days_left'] = result.tls.daysLeft;
  Object.assign(a, peerAttributes(subject));
  return a;
}

/** Where the check went, with nothing secret in it: no userinfo, no query (tokens live there), no fragment. */
export function peerAttributes(subject: CheckSubject): Attributes {
  const { target } = subject;
  // A stdio server is a child process: its command line is not recorded, its arguments may hold secrets.
  if (typeof target !== 'string') return { 'network.transport': 'pipe' };
  if (subject.kind === 'npm') return {};
  if (subject.kind === 'tcp') {
    const url = parse(target.includes('://') ? target : `tcp://${target}`);
    return url
      ? { 'network.transport': 'tcp', 'server.address': host(url), 'server.port': Number(url.port) }
      : {};
  }
  const url = parse(target);
  if (!url) return {};
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return {
    'network.transport': 'tcp',
    'network.protocol.name': 'http',
    'server.address': host(url),
    'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    'url.full': url.href,
  };
}

/** The MCP request a phase stands for, when it stands for one, so a phase reads like the client's call. */
function phaseAttributes(
  phase: Phase,
  result: ProbeResult,
  operation: ReturnType<typeof checkOperation>,
): Attributes {
  const a: Attributes = { 'mcpwatch.phase': phase };
  const era = result.mcp?.era;
  const method =
    phase === 'handshake'
      ? era === 'modern'
        ? 'server/discover'
        : era === 'legacy'
          ? 'initialize'
          : undefined
      : phase === 'ping'
        ? era === 'modern'
          ? 'server/discover'
          : 'ping'
        : MCP_PHASE_METHODS[phase];
  if (result.kind === 'mcp' && method) a['mcp.method.name'] = method;
  if (phase === 'call' && operation.tool) a['gen_ai.tool.name'] = operation.tool;
  return a;
}

const MCP_PHASE_METHODS: Partial<Record<Phase, string>> = {
  tools: 'tools/list',
  resources: 'resources/list',
  prompts: 'prompts/list',
  call: 'tools/call',
};

function parse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** The host as the conventions write it: an IPv6 address without its URL brackets. */
function host(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
