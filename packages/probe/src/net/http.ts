import type { IncomingHttpHeaders } from 'node:http';
import { Client } from 'undici';
import type { ProbeContext } from '../context.js';
import { ProbeFailure } from '../failure.js';
import type { TlsInfo } from '../result.js';
import { type Connected, connect, type TlsOptions } from './connect.js';

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: AsyncIterable<Buffer> & {
    destroy(error?: Error): void;
    on(event: 'error', listener: (error: Error) => void): unknown;
  };
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'HEAD' | 'PUT' | 'PATCH' | 'OPTIONS';
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/**
 * One HTTP origin, one fresh connection per probe (as a monitor makes it), kept alive across the probe's
 * requests. The first connection is opened by `connect()`, so DNS, TCP and TLS are timed as phases; undici
 * then runs requests over it. If the server closes the connection between requests, a new one is opened
 * untimed.
 */
export class HttpOrigin {
  tls: TlsInfo | undefined;
  private readonly client: Client;
  private first: Connected | undefined;

  private constructor(
    readonly origin: URL,
    private readonly tlsOptions: TlsOptions,
    private readonly ctx: ProbeContext,
  ) {
    this.client = new Client(origin.origin, {
      connect: (_options, callback) => {
        const ready = this.first;
        this.first = undefined;
        if (ready) {
          // undici guards against re-entry while it asks for a connection: answer on the next tick.
          process.nextTick(callback, null, ready.socket);
          return;
        }
        this.open().then(
          (c) => callback(null, c.socket),
          (error: Error) => callback(error, null),
        );
      },
      pipelining: 1,
      // The probe's own signals bound every wait; undici's five-minute defaults never come into play.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  static async open(url: URL, ctx: ProbeContext, tlsOptions: TlsOptions = {}): Promise<HttpOrigin> {
    const origin = new HttpOrigin(url, tlsOptions, ctx);
    origin.first = await origin.open();
    origin.tls = origin.first.tls;
    return origin;
  }

  private open(): Promise<Connected> {
    const secure = this.origin.protocol === 'https:';
    const port = Number(this.origin.port) || (secure ? 443 : 80);
    return connect(this.origin.hostname, port, secure, this.ctx, this.tlsOptions);
  }

  async request(req: HttpRequest): Promise<HttpReply> {
    const reply = await this.client.request({
      method: req.method,
      path: req.url.pathname + req.url.search,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
    });
    return { status: reply.statusCode, headers: reply.headers, body: reply.body };
  }

  async close(): Promise<void> {
    this.first?.socket.destroy();
    await this.client.destroy().catch(() => {});
  }
}

/** Reads a whole body, cut at `maxBytes`: a larger body ends the probe with `response_too_large`. */
export async function readBody(reply: HttpReply, maxBytes: number): Promise<Buffer> {
  const declared = Number(reply.headers['content-length']);
  if (declared > maxBytes) {
    destroyBody(reply);
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of reply.body) {
    size += chunk.length;
    if (size > maxBytes) {
      destroyBody(reply);
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

/**
 * Drops a body the probe will not read. undici's body stream emits an abort error when destroyed before
 * its end; with nobody listening (a body never iterated, or one whose reader has stopped) that error
 * is uncaught and would crash the process, so a no-op listener goes on first.
 */
export function destroyBody(reply: HttpReply): void {
  reply.body.on('error', () => {});
  reply.body.destroy();
}

/** Drains and discards a body so the connection can be reused, within the byte limit. */
export async function discardBody(reply: HttpReply, maxBytes: number): Promise<void> {
  await readBody(reply, maxBytes);
}

export function tooLarge(maxBytes: number): ProbeFailure {
  return new ProbeFailure('response_too_large', `The response passed the ${maxBytes}-byte limit`);
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
