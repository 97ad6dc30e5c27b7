export { ProbeFailure } from './failure.js';
export { KeepaliveMcp } from './mcp/keepalive.js';
export type { BackoffOptions, ExitInfo, KeepaliveHooks, RestartInfo } from './mcp/keepalive-restarts.js';
export type { McpOptions, McpOptionsInput, StdioTargetInput, ToolCallOptions } from './mcp/options.js';
export { mcpOptionsSchema, prepareMcpOptions, stdioTargetSchema, toolCallSchema } from './mcp/options.js';
export { canonicalJson, toolsHash } from './mcp/tools.js';
export { displayUrl } from './net/http.js';
export { DEFAULT_MAX_BYTES, DEFAULT_SLOW_MS, DEFAULT_TIMEOUT_MS } from './options.js';
export type { HttpOptionsInput } from './probes/http.js';
export { httpOptionsSchema, probeHttp } from './probes/http.js';
export type { McpTarget } from './probes/mcp.js';
export { probeMcp } from './probes/mcp.js';
export type { NpmOptionsInput } from './probes/npm.js';
export { DEFAULT_NPM_REGISTRY, NPM_NAME, npmOptionsSchema, probeNpm } from './probes/npm.js';
export type { TcpOptionsInput } from './probes/tcp.js';
export { probeTcp, tcpOptionsSchema } from './probes/tcp.js';
export { classifyDiscover, type DiscoverOutcome, type EraVerdict } from './protocol/era.js';
export { KNOWN_VERSIONS, LEGACY_VERSIONS, MODERN_VERSIONS } from './protocol/versions.js';
export { REASON_CODES, REASONS, type Reason } from './reasons.js';
export { PROBES, type ProbeFn, type ProbeKind } from './registry.js';
export type {
  AuthInfo,
  Check,
  Era,
  McpInfo,
  Phase,
  ProbeResult,
  Status,
  TlsInfo,
  ToolInfo,
  Transport,
} from './result.js';
export { PHASES } from './result.js';
