import { eraOf, KNOWN_VERSIONS, MODERN_VERSIONS, RPC } from './versions.js';

/** What came back from one `server/discover` attempt, reduced to what era detection needs. */
export type DiscoverOutcome =
  | { kind: 'result'; result: Record<string, unknown> }
  | { kind: 'rpc-error'; code: number; message: string; data?: unknown }
  | { kind: 'http-error'; status: number; body?: string }
  | { kind: 'unusable'; detail: string };

export type EraVerdict =
  | { kind: 'modern'; version: string; supportedVersions: string[] }
  /** The server named modern versions it speaks: ask again with this one. */
  | { kind: 'retry'; version: string }
  | { kind: 'legacy' }
  | { kind: 'auth'; status: number }
  | { kind: 'unsupported'; detail: string }
  | { kind: 'error'; status?: number; detail: string };

/**
 * Decides the protocol era from a `server/discover` outcome, following the 2026-07-28 rules for
 * backward compatibility: a valid discover result or a recognised unsupported-version error is evidence
 * of a modern server; any other client error means fall back to `initialize`. 401/403 is an auth wall and
 * says nothing about the era; 5xx is a failure, not a hint. Pure: the corpus test pins it to real answers.
 */
export function classifyDiscover(outcome: DiscoverOutcome, tried: readonly string[]): EraVerdict {
  switch (outcome.kind) {
    case 'result': {
      const supported = stringList(outcome.result.supportedVersions);
      if (!supported) return { kind: 'legacy' };
      const mutual = MODERN_VERSIONS.find((v) => supported.includes(v));
      if (mutual) return { kind: 'modern', version: mutual, supportedVersions: supported };
      if (supported.some((v) => eraOf(v) === 'legacy')) return { kind: 'legacy' };
      return { kind: 'unsupported', detail: `the server speaks only ${supported.join(', ')}` };
    }
    case 'rpc-error':
      return classifyRpcError(outcome.code, outcome.data, tried);
    case 'http-error': {
      if (outcome.status === 401 || outcome.status === 403) return { kind: 'auth', status: outcome.status };
      if (outcome.status >= 500) {
        return {
          kind: 'error',
          status: outcome.status,
          detail: `server/discover got HTTP ${outcome.status}`,
        };
      }
      const rpc = rpcErrorInBody(outcome.body);
      if (rpc) return classifyRpcError(rpc.code, rpc.data, tried);
      return { kind: 'legacy' };
    }
    case 'unusable':
      return { kind: 'error', detail: outcome.detail };
  }
}

function classifyRpcError(code: number, data: unknown, tried: readonly string[]): EraVerdict {
  if (code !== RPC.unsupportedProtocolVersion) return { kind: 'legacy' };
  const supported = stringList((data as { supported?: unknown } | undefined)?.supported);
  if (!supported) return { kind: 'legacy' };
  // A corrective retry with a listed version, once per version: the first refusal may have been about
  // something else in the request, a second one for the same version is final.
  const retry = MODERN_VERSIONS.find((v) => supported.includes(v) && tried.filter((t) => t === v).length < 2);
  if (retry) return { kind: 'retry', version: retry };
  if (supported.some((v) => eraOf(v) === 'legacy')) return { kind: 'legacy' };
  const unknown = supported.filter((v) => !KNOWN_VERSIONS.includes(v));
  return {
    kind: 'unsupported',
    detail: `the server speaks only ${unknown.join(', ') || supported.join(', ')}`,
  };
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string'))
    return undefined;
  return value;
}

/** The JSON-RPC error inside an HTTP error body, if the body carries one. */
export function rpcErrorInBody(body: string | undefined): { code: number; data?: unknown } | undefined {
  if (!body) return undefined;
  try {
    const error = (JSON.parse(body) as { error?: { code?: unknown; data?: unknown } }).error;
    return typeof error?.code === 'number' ? { code: error.code, data: error.data } : undefined;
  } catch {
    return undefined;
  }
}

/** After a failed legacy `initialize` over Streamable HTTP, these statuses mean: try the HTTP+SSE transport. */
export function initializeSuggestsSse(status: number): boolean {
  return status === 400 || status === 404 || status === 405;
}
