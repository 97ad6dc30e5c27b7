import { ProbeFailure } from '../failure.js';

export type JsonRpcId = string | number;
export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}
export interface RpcReply {
  id: JsonRpcId;
  result?: Record<string, unknown>;
  error?: RpcError;
}

export type Incoming =
  | { kind: 'reply'; reply: RpcReply }
  | { kind: 'request'; id: JsonRpcId; method: string }
  | { kind: 'notification'; method: string }
  | { kind: 'invalid'; detail: string };

export function encodeRequest(id: JsonRpcId, method: string, params?: Record<string, unknown>): string {
  return JSON.stringify(params ? { jsonrpc: '2.0', id, method, params } : { jsonrpc: '2.0', id, method });
}

export function encodeNotification(method: string, params?: Record<string, unknown>): string {
  return JSON.stringify(params ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', method });
}

/** The answer to a server->client request: a probe offers no client features, so it declines them all. */
export function encodeRefusal(id: JsonRpcId): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32601, message: 'Not supported by a probe' } });
}

export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ProbeFailure('invalid_json', `${where} is not valid JSON: ${snippet(text)}`);
  }
}

/** Sorts one parsed message into a reply to us, a request or notification from the server, or junk. */
export function classifyMessage(message: unknown): Incoming {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { kind: 'invalid', detail: 'not a JSON-RPC object' };
  }
  const m = message as Record<string, unknown>;
  if (typeof m.method === 'string') {
    if (typeof m.id === 'string' || typeof m.id === 'number')
      return { kind: 'request', id: m.id, method: m.method };
    return { kind: 'notification', method: m.method };
  }
  if (typeof m.id !== 'string' && typeof m.id !== 'number') {
    // An error about a request the server could not parse carries id null.
    if (isRpcError(m.error)) return { kind: 'invalid', detail: `error without an id: ${m.error.message}` };
    return { kind: 'invalid', detail: 'a message with neither method nor id' };
  }
  if (isRpcError(m.error)) return { kind: 'reply', reply: { id: m.id, error: m.error } };
  if (typeof m.result === 'object' && m.result !== null && !Array.isArray(m.result)) {
    return { kind: 'reply', reply: { id: m.id, result: m.result as Record<string, unknown> } };
  }
  return { kind: 'invalid', detail: 'a response with neither an object result nor an error' };
}

function isRpcError(value: unknown): value is RpcError {
  return typeof value === 'object' && value !== null && typeof (value as RpcError).code === 'number';
}

export function snippet(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat || '(empty)';
}
