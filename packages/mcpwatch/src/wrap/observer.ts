import { errorTypeOf } from '@mcpwatch/instrument/error-types';
/**
 * Watches the JSON-RPC messages going each way through the wrapper and pairs every request with its response
 * by id, in both directions (the client's calls to the server, and the server's own requests such as
 * sampling/createMessage to the client). Pure bookkeeping: no I/O, and nothing it sees can throw out of it.
 */

/** Who sent the request: `client` for the client's calls to the server, `server` for the server's. */
export type Origin = 'client' | 'server';

/** One request and its answer. */
export interface Exchange {
  origin: Origin;
  method: string;
  /** `params.name` of a tools/call. */
  tool?: string;
  /** `params.uri` of a resources/read. */
  uri?: string;
  /** False for a JSON-RPC error, and for a tools/call whose result says `isError: true`. */
  ok: boolean;
  /**
   * `tool_error` for an `isError` result; for a JSON-RPC error, the name `@mcpwatch/instrument` gives its
   * code (`invalid_params`, `resource_not_found`; `server_error` for any other).
   */
  errorType?: string;
  seconds: number;
}

interface Pending {
  method: string;
  tool?: string;
  uri?: string;
  /** performance.now() when the request went by. */
  at: number;
}

export interface ObserverOptions {
  /** Requests waiting for an answer, per direction; past it the oldest is forgotten (and never counted). */
  maxPending?: number;
  now?: () => number;
}

export class Observer {
  /** Requests from each origin, waiting for the other side's answer. */
  private readonly pending: Record<Origin, Map<string, Pending>> = { client: new Map(), server: new Map() };
  private readonly maxPending: number;
  private readonly now: () => number;
  /** Lines that were not JSON, or not JSON-RPC: relayed all the same. */
  unparsed = 0;
  /** Requests forgotten because too many were waiting at once. */
  forgotten = 0;

  constructor(
    private readonly onExchange: (exchange: Exchange) => void,
    options: ObserverOptions = {},
  ) {
    this.maxPending = options.maxPending ?? 10_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** A line the client sent to the server. */
  fromClient(line: string): void {
    this.line(line, 'client');
  }

  /** A line the server sent to the client. */
  fromServer(line: string): void {
    this.line(line, 'server');
  }

  /**
   * The other side is gone (the server crashed): every request of `origin` still waiting ends as an error of
   * `errorType`, as the client will see it fail.
   */
  abandon(origin: Origin, errorType: string): void {
    const waiting = this.pending[origin];
    const now = this.now();
    for (const request of waiting.values()) {
      const exchange: Exchange = {
        origin,
        method: request.method,
        ok: false,
        errorType,
        seconds: Math.max(0, (now - request.at) / 1000),
      };
      if (request.tool !== undefined) exchange.tool = request.tool;
      if (request.uri !== undefined) exchange.uri = request.uri;
      this.onExchange(exchange);
    }
    waiting.clear();
  }

  /** How many requests of each origin are still waiting for an answer. */
  waiting(origin: Origin): number {
    return this.pending[origin].size;
  }

  private line(line: string, sender: Origin): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.unparsed++;
      return;
    }
    // JSON-RPC batches (allowed by the 2025-03-26 revision) are arrays of messages.
    if (Array.isArray(message)) for (const m of message) this.message(m, sender);
    else this.message(message, sender);
  }

  private message(message: unknown, sender: Origin): void {
    if (message === null || typeof message !== 'object') {
      this.unparsed++;
      return;
    }
    const m = message as Record<string, unknown>;
    const id = idKey(m.id);
    if (typeof m.method === 'string') {
      const params = asObject(m.params);
      if (id !== undefined) this.request(sender, id, m.method, params);
      else if (m.method === 'notifications/cancelled') {
        // The sender gave up on its own request: its answer, if any, is not a completed call.
        const cancelled = idKey(params?.requestId);
        if (cancelled !== undefined) this.pending[sender].delete(cancelled);
      }
      return;
    }
    const answer = 'result' in m || 'error' in m;
    if (!answer) this.unparsed++;
    // An error without an id (a request the receiver could not parse) answers nothing we can name.
    if (!answer || id === undefined) return;
    // A response answers a request the other side sent.
    const origin: Origin = sender === 'client' ? 'server' : 'client';
    const request = this.pending[origin].get(id);
    if (!request) return;
    this.pending[origin].delete(id);
    const exchange: Exchange = {
      origin,
      method: request.method,
      ok: true,
      seconds: Math.max(0, (this.now() - request.at) / 1000),
    };
    if (request.tool !== undefined) exchange.tool = request.tool;
    if (request.uri !== undefined) exchange.uri = request.uri;
    const error = asObject(m.error);
    if (error !== undefined || 'error' in m) {
      exchange.ok = false;
      exchange.errorType = typeof error?.code === 'number' ? errorTypeOf(error.code) : 'jsonrpc_error';
    } else if (request.method === 'tools/call' && asObject(m.result)?.isError === true) {
      exchange.ok = false;
      exchange.errorType = 'tool_error';
    }
    this.onExchange(exchange);
  }

  private request(sender: Origin, id: string, method: string, params: Record<string, unknown> | undefined) {
    const waiting = this.pending[sender];
    const pending: Pending = { method, at: this.now() };
    if (method === 'tools/call' && typeof params?.name === 'string') pending.tool = params.name;
    if (method === 'resources/read' && typeof params?.uri === 'string') pending.uri = params.uri;
    waiting.delete(id);
    waiting.set(id, pending);
    if (waiting.size > this.maxPending) {
      const oldest = waiting.keys().next().value;
      if (oldest !== undefined) waiting.delete(oldest);
      this.forgotten++;
    }
  }
}

/** Ids are strings or numbers, and `1` and `"1"` are different requests. */
function idKey(id: unknown): string | undefined {
  if (typeof id === 'number') return `n${id}`;
  if (typeof id === 'string') return `s${id}`;
  return undefined;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
