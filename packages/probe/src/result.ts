import type { Reason } from './reasons.js';

export type Status = 'up' | 'degraded' | 'down';

/** Phases in the order a probe runs them; timings are reported per phase in milliseconds. */
export const PHASES = [
  'spawn',
  'dns',
  'connect',
  'tls',
  'request',
  'handshake',
  'tools',
  'ping',
  'resources',
  'prompts',
  'call',
  'close',
] as const;
export type Phase = (typeof PHASES)[number];

export type Transport = 'streamable-http' | 'sse' | 'stdio';
export type Era = 'modern' | 'legacy';

export interface ToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

/** One assertion the probe evaluated, so a report can say which check failed and what it saw. */
export interface Check {
  name: string;
  ok: boolean;
  /** Set on a soft check: it degrades the probe, with this reason, instead of failing it. */
  soft?: Reason;
  detail: string;
}

export interface TlsInfo {
  protocol?: string;
  cipher?: string;
  subject?: string;
  issuer?: string;
  altNames?: string[];
  validFrom?: string;
  validTo?: string;
  daysLeft?: number;
  /** The chain verified against the trust store. */
  chainValid: boolean;
  chainError?: string;
  hostnameMatch: boolean;
  fingerprint256?: string;
}

export interface AuthInfo {
  status: number;
  wwwAuthenticate?: string;
  /** Where the protected-resource metadata was looked for, from the header or the well-known URL. */
  resourceMetadataUrl?: string;
  /** The RFC 9728 document, when it could be fetched. */
  resourceMetadata?: Record<string, unknown>;
  authorizationServers?: string[];
  scopes?: string[];
}

export interface McpInfo {
  transport: Transport;
  /** Absent until a handshake agreed on one. */
  era?: Era;
  protocolVersion?: string;
  /** Versions a modern server listed in server/discover. */
  supportedVersions?: string[];
  serverInfo?: { name?: string; version?: string; title?: string };
  capabilities?: Record<string, unknown>;
  instructions?: string;
  sessionId?: boolean;
  tools?: ToolInfo[];
  /** sha256 over the canonical JSON of the tool list, stable across key order and list order. */
  toolsHash?: string;
  resources?: number;
  prompts?: number;
  toolCall?: { name: string; isError: boolean; text?: string; structuredContent?: unknown };
  /** The last stderr lines of a stdio server, bounded. */
  stderr?: string[];
  exitCode?: number | null;
  signal?: string | null;
}

export interface ProbeResult {
  kind: string;
  target: string;
  status: Status;
  /** Absent when the probe is up. */
  reason?: Reason;
  /** One line a person can act on. */
  message: string;
  /** The phase that failed, when one did. */
  phase?: Phase;
  startedAt: string;
  durationMs: number;
  timings: Partial<Record<Phase, number>>;
  checks: Check[];
  mcp?: McpInfo;
  http?: { status: number; headers?: Record<string, string>; bodyBytes: number };
  tcp?: { received?: string };
  /** What the registry says of a watched package. */
  npm?: { name: string; version: string; distTags: Record<string, string>; modified?: string };
  tls?: TlsInfo;
  auth?: AuthInfo;
}
