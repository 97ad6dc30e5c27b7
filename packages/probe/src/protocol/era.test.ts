import { describe, expect, it } from 'vitest';
import { classifyDiscover, type DiscoverOutcome, initializeSuggestsSse } from './era.js';

/**
 * Answers to `server/discover` recorded from real servers (v1 and v2 SDKs, server-everything), plus the
 * edge cases the 2026-07-28 backward-compatibility rules name. Matched by code and structure, never by text.
 */
const recorded: [string, DiscoverOutcome, ReturnType<typeof classifyDiscover>['kind']][] = [
  [
    'v2 SDK: a discover result',
    {
      kind: 'result',
      result: {
        supportedVersions: ['2026-07-28'],
        capabilities: { tools: { listChanged: true } },
        resultType: 'complete',
        ttlMs: 0,
        cacheScope: 'private',
        _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'v2-server', version: '2.0.0' } },
      },
    },
    'modern',
  ],
  [
    'v1 SDK stateful: 400 Server not initialized',
    {
      kind: 'http-error',
      status: 400,
      body: '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: Server not initialized"},"id":null}',
    },
    'legacy',
  ],
  [
    'v1 SDK stateless: 400 unsupported protocol version, in its own words',
    {
      kind: 'http-error',
      status: 400,
      body: '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: Unsupported protocol version: 2026-07-28 (supported versions: 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05, 2024-10-07)"},"id":null}',
    },
    'legacy',
  ],
  [
    'v1 SDK HTTP+SSE: POST to the stream URL is 404 text',
    { kind: 'http-error', status: 404, body: 'not found' },
    'legacy',
  ],
  ['a 405 with no body', { kind: 'http-error', status: 405 }, 'legacy'],
  [
    'stdio legacy server: method not found',
    { kind: 'rpc-error', code: -32601, message: 'Method not found' },
    'legacy',
  ],
  [
    'a session-not-found error is not era evidence',
    { kind: 'rpc-error', code: -32001, message: 'Session not found' },
    'legacy',
  ],
  ['401 is an auth wall, not an era', { kind: 'http-error', status: 401, body: '' }, 'auth'],
  ['403 is an auth wall, not an era', { kind: 'http-error', status: 403 }, 'auth'],
  [
    'a 5xx is a failure, not a hint',
    { kind: 'http-error', status: 502, body: '<html>Bad gateway</html>' },
    'error',
  ],
  ['an HTML page with 200 is unusable', { kind: 'unusable', detail: 'not JSON' }, 'error'],
  ['a result without supportedVersions', { kind: 'result', result: {} }, 'legacy'],
  [
    'a result naming only legacy revisions',
    { kind: 'result', result: { supportedVersions: ['2025-06-18'] } },
    'legacy',
  ],
  [
    'a result naming only unknown future revisions',
    { kind: 'result', result: { supportedVersions: ['2099-01-01'] } },
    'unsupported',
  ],
  [
    'v2 SDK: -32022 for a version it does not speak, listing one it does',
    {
      kind: 'http-error',
      status: 400,
      body: '{"jsonrpc":"2.0","error":{"code":-32022,"message":"Unsupported protocol version: 2099-01-01","data":{"supported":["2026-07-28"],"requested":"2099-01-01"}},"id":1}',
    },
    'retry',
  ],
  ['-32022 without a supported list', { kind: 'rpc-error', code: -32022, message: 'Unsupported' }, 'legacy'],
  [
    '-32022 listing only legacy revisions',
    { kind: 'rpc-error', code: -32022, message: 'Unsupported', data: { supported: ['2025-11-25'] } },
    'legacy',
  ],
  [
    '-32022 listing only future revisions',
    { kind: 'rpc-error', code: -32022, message: 'Unsupported', data: { supported: ['2099-01-01'] } },
    'unsupported',
  ],
];

describe('classifyDiscover', () => {
  for (const [name, outcome, kind] of recorded) {
    it(name, () => {
      expect(classifyDiscover(outcome, ['2099-01-01']).kind).toBe(kind);
    });
  }

  it('picks the mutual modern version from a discover result', () => {
    expect(
      classifyDiscover({ kind: 'result', result: { supportedVersions: ['2099-01-01', '2026-07-28'] } }, []),
    ).toEqual({
      kind: 'modern',
      version: '2026-07-28',
      supportedVersions: ['2099-01-01', '2026-07-28'],
    });
  });

  it('retries a listed version once, then gives up', () => {
    const outcome: DiscoverOutcome = {
      kind: 'rpc-error',
      code: -32022,
      message: 'x',
      data: { supported: ['2026-07-28'] },
    };
    expect(classifyDiscover(outcome, []).kind).toBe('retry');
    expect(classifyDiscover(outcome, ['2026-07-28']).kind).toBe('retry');
    expect(classifyDiscover(outcome, ['2026-07-28', '2026-07-28']).kind).toBe('unsupported');
  });
});

describe('initializeSuggestsSse', () => {
  it('falls back to HTTP+SSE on 400, 404 and 405 only', () => {
    expect([400, 401, 403, 404, 405, 406, 415, 500].filter(initializeSuggestsSse)).toEqual([400, 404, 405]);
  });
});
