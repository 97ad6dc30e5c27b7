import { describe, expect, it } from 'vitest';
import { type Exchange, Observer } from './observer.js';

function watch(maxPending?: number) {
  let t = 0;
  const seen: Exchange[] = [];
  const observer = new Observer((e) => seen.push(e), {
    now: () => t,
    ...(maxPending !== undefined ? { maxPending } : {}),
  });
  const at = (ms: number) => {
    t = ms;
  };
  const client = (m: unknown) => observer.fromClient(JSON.stringify(m));
  const server = (m: unknown) => observer.fromServer(JSON.stringify(m));
  return { observer, seen, at, client, server };
}

describe('Observer', () => {
  it('pairs a tools/call with its result by id and times it', () => {
    const { seen, at, client, server } = watch();
    at(1000);
    client({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'search', arguments: {} } });
    client({ jsonrpc: '2.0', id: '7', method: 'ping' });
    at(1250);
    server({ jsonrpc: '2.0', id: 7, result: { content: [] } });
    at(1300);
    server({ jsonrpc: '2.0', id: '7', result: {} });
    expect(seen).toEqual([
      { origin: 'client', method: 'tools/call', tool: 'search', ok: true, seconds: 0.25 },
      { origin: 'client', method: 'ping', ok: true, seconds: 0.3 },
    ]);
  });

  it('counts JSON-RPC errors and isError tool results as errors', () => {
    const { seen, client, server } = watch();
    client({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'a' } });
    client({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'b' } });
    client({ jsonrpc: '2.0', id: 3, method: 'nope' });
    server({ jsonrpc: '2.0', id: 1, result: { content: [], isError: true } });
    server({ jsonrpc: '2.0', id: 2, error: { code: -32602, message: 'unknown tool' } });
    server({ jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'not found' } });
    client({ jsonrpc: '2.0', id: 4, method: 'resources/read', params: { uri: 'x:y' } });
    server({ jsonrpc: '2.0', id: 4, error: { code: -32002, message: 'no such resource' } });
    // A code of the server's own invention is not a label value of its own.
    client({ jsonrpc: '2.0', id: 5, method: 'custom' });
    server({ jsonrpc: '2.0', id: 5, error: { code: 4711, message: 'mine' } });
    expect(seen.map((e) => [e.method, e.tool, e.ok, e.errorType])).toEqual([
      ['tools/call', 'a', false, 'tool_error'],
      ['tools/call', 'b', false, 'invalid_params'],
      ['nope', undefined, false, 'method_not_found'],
      ['resources/read', undefined, false, 'resource_not_found'],
      ['custom', undefined, false, 'server_error'],
    ]);
  });

  it("pairs the server's requests with the client's answers, and keeps the two id spaces apart", () => {
    const { seen, client, server } = watch();
    client({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'sample' } });
    server({ jsonrpc: '2.0', id: 1, method: 'sampling/createMessage', params: {} });
    client({ jsonrpc: '2.0', id: 1, result: { content: { type: 'text', text: 'hi' } } });
    server({ jsonrpc: '2.0', id: 1, result: { content: [] } });
    expect(seen.map((e) => [e.origin, e.method])).toEqual([
      ['server', 'sampling/createMessage'],
      ['client', 'tools/call'],
    ]);
  });

  it('reads batches, forgets cancelled requests, and ignores what is not JSON-RPC', () => {
    const { observer, seen, client, server } = watch();
    client([
      { jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 'file:///a' } },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'slow' } },
    ]);
    client({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 2 } });
    server([
      { jsonrpc: '2.0', id: 1, result: { contents: [] } },
      { jsonrpc: '2.0', id: 2, result: { content: [] } },
    ]);
    observer.fromServer('Starting server...');
    observer.fromServer('42');
    expect(seen.map((e) => [e.method, e.uri])).toEqual([['resources/read', 'file:///a']]);
    expect(observer.unparsed).toBe(2);
    expect(observer.waiting('client')).toBe(0);
  });

  it('forgets the oldest request when too many wait', () => {
    const { observer, seen, client, server } = watch(2);
    for (const id of [1, 2, 3]) client({ jsonrpc: '2.0', id, method: 'ping' });
    for (const id of [1, 2, 3]) server({ jsonrpc: '2.0', id, result: {} });
    expect(observer.forgotten).toBe(1);
    expect(seen).toHaveLength(2);
  });

  it('ends the requests a crashed server left unanswered as errors', () => {
    const { observer, seen, at, client, server } = watch();
    client({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow' } });
    client({ jsonrpc: '2.0', id: 2, method: 'ping' });
    server({ jsonrpc: '2.0', id: 2, result: {} });
    at(500);
    observer.abandon('client', 'server_exited');
    observer.abandon('client', 'server_exited');
    expect(seen.map((e) => [e.method, e.tool, e.ok, e.errorType, e.seconds])).toEqual([
      ['ping', undefined, true, undefined, 0],
      ['tools/call', 'slow', false, 'server_exited', 0.5],
    ]);
  });
});
