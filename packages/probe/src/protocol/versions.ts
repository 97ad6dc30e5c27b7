import type { Era } from '../result.js';

/** Revisions that establish a session with the initialize handshake, newest first. */
export const LEGACY_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] as const;
/** Stateless revisions: version, client info and capabilities travel in every request's `_meta`. */
export const MODERN_VERSIONS = ['2026-07-28'] as const;
export const LATEST_LEGACY = LEGACY_VERSIONS[0];
export const LATEST_MODERN = MODERN_VERSIONS[0];
export const KNOWN_VERSIONS: readonly string[] = [...MODERN_VERSIONS, ...LEGACY_VERSIONS];

export function eraOf(version: string): Era | undefined {
  if ((MODERN_VERSIONS as readonly string[]).includes(version)) return 'modern';
  if ((LEGACY_VERSIONS as readonly string[]).includes(version)) return 'legacy';
  return undefined;
}

/** The `_meta` keys of the 2026-07-28 request envelope. */
export const META = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
} as const;

/** JSON-RPC error codes the probe reads meaning into. */
export const RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  unsupportedProtocolVersion: -32022,
} as const;
