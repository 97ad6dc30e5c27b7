import type { ProbeContext } from '../context.js';
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
import { type Channel, PendingReplies } from './channel.js';

/**
 * The HTTP+SSE transport of 2024-11-05: GET opens an event stream whose first `endpoint` event names the
 * URL to POST messages to; every answer comes back on the stream. The stream and the POSTs use two
 * connections, as a browser's EventSource and fetch would.
 */
export class SseChannel implements Channel {
  readonly transport = 'sse' as const;
  era: Era | undefined = 'legacy';
  protocolVersion: string | undefined;
  private nextId = 1;
  private readonly pending = new PendingReplies();
  private endpoint: URL | undefined;
  private stream: HttpReply | undefined;

  private constructor(
    private readonly streamOrigin: HttpOrigin,
    private readonly postOrigin: () => Promise<HttpOrigin>,
    private readonly headers: Record<string, string>,
    private readonly maxBytes: number,
  ) {}

  /** Opens the stream and waits for the endpoint event; the caller times this as the handshake's first step. */
  static async open(
    streamOrigin: HttpOrigin,
    url: URL,
    postOrigin: () => Promise<HttpOrigin>,
    headers: Record<string, string>,
    ctx: ProbeContext,
  ): Promise<SseChannel> {
    const channel = new SseChannel(streamOrigin, postOrigin, headers, ctx.budget.maxBytes);
    const reply = await streamOrigin.request({
      method: 'GET',
      url,
      headers: { ...headers, accept: 'text/event-stream' },
      signal: ctx.signal,
    });
    if (reply.status !== 200) throw await statusFailure(`GET ${url.pathname} for the SSE stream`, reply);
    const type = header(reply.headers, 'content-type') ?? '';
    if (!type.includes('text/event-stream')) {
      reply.body.destroy();
      throw new ProbeFailure(
        'invalid_response',
        `GET ${url.pathname} answered "${type || 'no content type'}", not an SSE stream`,
      );
    }
    channel.stream = reply;
    const endpoint = new Promise<URL>((resolve, reject) => channel.pump(url, resolve, reject));
    // The caller's phase races this wait against its deadline and closes the origins on failure.
    channel.endpoint = await endpoint;
    return channel;
  }

  /** Reads the stream for the life of the channel: the endpoint first, then replies by id. */
  private pump(base: URL, onEndpoint: (url: URL) => void, onFail: (error: Error) => void): void {
    const stream = this.stream as HttpReply;
    (async () => {
      let endpointSeen = false;
      for await (const event of readSse(stream.body, this.maxBytes)) {
        if (event.event === 'endpoint') {
          let url: URL;
          try {
            url = new URL(event.data.trim(), base);
          } catch {
            throw new ProbeFailure(
              'invalid_response',
              `The endpoint event names no usable URL: ${snippet(event.data)}`,
            );
          }
          if (url.origin !== base.origin) {
            // The spec allows only the same origin; posting elsewhere could leak credentials.
            throw new ProbeFailure(
              'invalid_response',
              `The endpoint event points to another origin (${url.origin})`,
            );
          }
          endpointSeen = true;
          onEndpoint(url);
          continue;
        }
        if (event.event !== 'message' || !event.data) continue;
        const message = classifyMessage(parseJson(event.data, 'An SSE message event'));
        if (message.kind === 'reply') this.pending.settle(message.reply);
        else if (message.kind === 'request') this.refuse(message.id);
      }
      throw new ProbeFailure(
        'connect_reset',
        endpointSeen ? 'The server closed the SSE stream' : 'The SSE stream ended before its endpoint event',
      );
    })().catch((error: Error) => {
      onFail(error);
      this.pending.fail(error);
    });
  }

  async request(
    method: string,
    params: Record<string, unknown> | undefined,
    signal: AbortSignal,
  ): Promise<RpcReply> {
    const id = this.nextId++;
    return this.pending.exchange(id, signal, () =>
      this.post(encodeRequest(id, method, params), method, signal),
    );
  }

  async notify(
    method: string,
    params: Record<string, unknown> | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    await this.post(encodeNotification(method, params), method, signal);
  }

  async close(): Promise<void> {
    this.stream?.body.destroy();
    this.pending.fail(new ProbeFailure('connect_reset', 'The probe closed the SSE stream'));
    await this.streamOrigin.close();
    if (this.posting) await (await this.posting).close();
  }

  private posting: Promise<HttpOrigin> | undefined;

  private async post(body: string, method: string, signal: AbortSignal): Promise<void> {
    this.posting ??= this.postOrigin();
    const origin = await this.posting;
    const headers: Record<string, string> = { ...this.headers, 'content-type': 'application/json' };
    if (this.protocolVersion && this.protocolVersion >= '2025-06-18')
      headers['mcp-protocol-version'] = this.protocolVersion;
    const reply = await origin.request({ method: 'POST', url: this.endpoint as URL, headers, body, signal });
    if (reply.status < 200 || reply.status >= 300) {
      throw await statusFailure(`POSTing ${method} to the SSE endpoint`, reply);
    }
    await readBody(reply, 65_536);
  }

  private refuse(id: string | number): void {
    this.post(encodeRefusal(id), 'response', AbortSignal.timeout(1000)).catch(() => {});
  }
}
