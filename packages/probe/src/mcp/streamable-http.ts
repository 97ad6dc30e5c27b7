import { setTimeout as sleep } from 'node:timers/promises';
import { ProbeFailure } from '../failure.js';
import { type HttpOrigin, type HttpReply, header, readBody, statusFailure } from '../net/http.js';
import {
  classifyMessage,
  encodeNotification,
  encodeRefusal,
  encodeRequest,
  parseJson,
  type RpcReply,
  snippet,
} from '../protocol/jsonrpc.js';
import { readSse } from '../protocol/sse.js';
import type { Era } from '../result.js';
import type { Channel } from './channel.js';

/** How long a POST's SSE stream may stay open after it carried our reply before it is cut. */
const STREAM_LINGER_MS = 50;
/** Resuming a stream the server closed early: how often, and how long to wait when it names no delay. */
const MAX_RESUMES = 5;
const DEFAULT_RETRY_MS = 1000;
const MAX_RETRY_MS = 10_000;

/**
 * Streamable HTTP (2025-03-26 and later, both eras): every message is a POST; the answer is a JSON body or
 * an SSE stream that carries it. Legacy sessions are tracked through `Mcp-Session-Id` and ended with DELETE.
 * No GET stream is opened: a probe has nothing to receive unprompted, and stateless servers refuse it.
 */
export class StreamableHttpChannel implements Channel {
  readonly transport = 'streamable-http' as const;
  era: Era | undefined;
  protocolVersion: string | undefined;
  sessionId: string | undefined;
  private nextId = 1;

  constructor(
    private readonly origin: HttpOrigin,
    private readonly url: URL,
    private readonly headers: Record<string, string>,
    private readonly maxBytes: number,
  ) {}

  async request(
    method: string,
    params: Record<string, unknown> | undefined,
    signal: AbortSignal,
    extra?: Record<string, string>,
  ): Promise<RpcReply> {
    const id = this.nextId++;
    const reply = await this.post(method, encodeRequest(id, method, params), signal, params, extra);
    const type = header(reply.headers, 'content-type') ?? '';
    if (type.includes('text/event-stream')) return this.fromStream(reply, id, method, signal);
    if (!type.includes('json')) {
      const body = await readBody(reply, this.maxBytes);
      throw new ProbeFailure(
        'invalid_response',
        `${method} was answered with content type "${type || 'none'}", not JSON or SSE: ${snippet(body.toString())}`,
      );
    }
    const body = (await readBody(reply, this.maxBytes)).toString();
    const message = classifyMessage(parseJson(body, `The reply to ${method}`));
    if (message.kind !== 'reply' || message.reply.id !== id) {
      throw new ProbeFailure(
        'invalid_response',
        `The reply to ${method} is not its JSON-RPC response: ${snippet(body)}`,
      );
    }
    return message.reply;
  }

  async notify(
    method: string,
    params: Record<string, unknown> | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const reply = await this.post(method, encodeNotification(method, params), signal, params);
    await readBody(reply, this.maxBytes);
  }

  async close(): Promise<void> {
    if (this.sessionId) {
      // DELETE ends a legacy session; 405 means the server does not allow it, which is fine.
      try {
        const reply = await this.origin.request({
          method: 'DELETE',
          url: this.url,
          headers: this.protocolHeaders(),
          signal: AbortSignal.timeout(1000),
        });
        await readBody(reply, 65_536);
      } catch {
        // Ending politely is best effort: the server may already be gone.
      }
    }
    await this.origin.close();
  }

  /**
   * Headers every message carries, plus the modern routing headers for a JSON-RPC request or notification
   * (`method` absent for a response, a resumed stream or the session's DELETE).
   */
  private protocolHeaders(method?: string, params?: Record<string, unknown>): Record<string, string> {
    const h: Record<string, string> = { ...this.headers };
    if (this.sessionId) h['mcp-session-id'] = this.sessionId;
    if (this.protocolVersion) h['mcp-protocol-version'] = this.protocolVersion;
    if (this.era === 'modern' && method) {
      h['mcp-method'] = method;
      const name = params?.name ?? params?.uri;
      if (typeof name === 'string') h['mcp-name'] = name;
    }
    return h;
  }

  private async post(
    method: string | undefined,
    body: string,
    signal: AbortSignal,
    params: Record<string, unknown> | undefined,
    extra?: Record<string, string>,
  ): Promise<HttpReply> {
    const headers = { ...this.protocolHeaders(method, params), ...extra };
    headers['content-type'] = 'application/json';
    headers.accept = 'application/json, text/event-stream';
    const reply = await this.origin.request({ method: 'POST', url: this.url, headers, body, signal });
    const session = header(reply.headers, 'mcp-session-id');
    if (session && this.era !== 'modern') this.sessionId = session;
    if (reply.status >= 200 && reply.status < 300) return reply;
    throw await statusFailure(method ?? 'A response', reply);
  }

  /**
   * Reads an SSE answer until our reply arrives; server requests on the stream are refused politely. A
   * server may close the stream early after giving an event id (SEP-1699 polling): the reply is then
   * fetched by resuming with GET and `Last-Event-ID`, after the delay the server asked for.
   */
  private async fromStream(
    first: HttpReply,
    id: number,
    method: string,
    signal: AbortSignal,
  ): Promise<RpcReply> {
    let reply = first;
    for (let resumes = 0; ; resumes++) {
      const seen = await this.readForReply(reply, id, method, signal);
      if (seen.reply) return seen.reply;
      if (seen.lastId === undefined || resumes >= MAX_RESUMES) {
        throw new ProbeFailure(
          'invalid_response',
          `The SSE stream answering ${method} ended without its response`,
        );
      }
      await sleep(Math.min(seen.retry ?? DEFAULT_RETRY_MS, MAX_RETRY_MS), undefined, { signal });
      reply = await this.resume(seen.lastId, method, signal);
    }
  }

  private async readForReply(
    reply: HttpReply,
    id: number,
    method: string,
    signal: AbortSignal,
  ): Promise<{ reply?: RpcReply; lastId?: string; retry?: number }> {
    const events = readSse(reply.body, this.maxBytes);
    let lastId: string | undefined;
    let retry: number | undefined;
    try {
      for await (const event of events) {
        lastId = event.id ?? lastId;
        retry = event.retry ?? retry;
        if (event.event !== 'message' || event.data === '') continue;
        const message = classifyMessage(parseJson(event.data, `An SSE event answering ${method}`));
        if (message.kind === 'reply' && message.reply.id === id) {
          linger(reply, events);
          return { reply: message.reply };
        }
        if (message.kind === 'request') this.refuse(message.id, signal);
      }
    } catch (error) {
      reply.body.destroy();
      throw error;
    }
    return { ...(lastId !== undefined ? { lastId } : {}), ...(retry !== undefined ? { retry } : {}) };
  }

  private async resume(lastId: string, method: string, signal: AbortSignal): Promise<HttpReply> {
    const headers = { ...this.protocolHeaders(), accept: 'text/event-stream', 'last-event-id': lastId };
    const reply = await this.origin.request({ method: 'GET', url: this.url, headers, signal });
    const type = header(reply.headers, 'content-type') ?? '';
    if (reply.status !== 200 || !type.includes('text/event-stream')) {
      reply.body.destroy();
      throw new ProbeFailure(
        'invalid_response',
        `The SSE stream answering ${method} closed early and resuming it got HTTP ${reply.status}`,
      );
    }
    return reply;
  }

  private refuse(id: string | number, signal: AbortSignal): void {
    this.post(undefined, encodeRefusal(id), signal, undefined)
      .then((r) => readBody(r, 65_536))
      .catch(() => {});
  }
}

/**
 * A POST's stream normally ends right after the reply. Give it a moment, so the connection stays usable
 * for the next request, then cut it: a stream that never ends must not hold the probe.
 */
function linger(reply: HttpReply, events: AsyncGenerator<unknown>): void {
  const timer = setTimeout(() => reply.body.destroy(), STREAM_LINGER_MS);
  (async () => {
    try {
      for await (const _ of events) {
        // Drained and dropped: notifications after the reply carry nothing the probe needs.
      }
    } catch {
      // A cut stream ends here.
    } finally {
      clearTimeout(timer);
    }
  })();
}
