import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { ProbeContext } from '../context.js';
import { ProbeFailure } from '../failure.js';
import { snippet } from '../protocol/jsonrpc.js';
import { connect, type TlsOptions } from './connect.js';
import { Http1Connection, type HttpReply, type HttpRequest } from './http1.js';
import { tooLarge } from './limits.js';

export type { HttpReply, HttpRequest };

/**
 * One HTTP origin, one fresh connection per probe (as a monitor makes it), kept alive across the probe's
 * requests. The first connection is opened by `connect()`, so DNS, TCP and TLS are timed as phases. A
 * request that finds every connection busy (a stream still open) or closed gets a new one, untimed.
 */
export class HttpOrigin {
  private readonly idle: Http1Connection[] = [];
  private readonly all = new Set<Http1Connection>();
  private first: Socket | undefined;
  private closed = false;
  private readonly basic: string | undefined;

  private constructor(
    readonly origin: URL,
    private readonly tlsOptions: TlsOptions,
    private readonly ctx: ProbeContext,
  ) {
    if (origin.username || origin.password) {
      const pair = `${decodeURIComponent(origin.username)}:${decodeURIComponent(origin.password)}`;
      this.basic = `Basic ${Buffer.from(pair).toString('base64')}`;
    }
  }

  static async open(url: URL, ctx: ProbeContext, tlsOptions: TlsOptions = {}): Promise<HttpOrigin> {
    const origin = new HttpOrigin(url, tlsOptions, ctx);
    origin.first = await origin.connect();
    return origin;
  }

  private connect(): Promise<Socket> {
    const secure = this.origin.protocol === 'https:';
    const port = Number(this.origin.port) || (secure ? 443 : 80);
    return connect(this.origin.hostname, port, secure, this.ctx, this.tlsOptions);
  }

  async request(req: HttpRequest): Promise<HttpReply> {
    // Credentials in the URL (https://user:pass@host) become Basic auth, as curl and browsers do,
    // unless the caller set an Authorization header of its own.
    if (
      this.basic &&
      !Object.keys(req.headers ?? {}).some((name) => name.toLowerCase() === 'authorization')
    ) {
      req = { ...req, headers: { ...req.headers, authorization: this.basic } };
    }
    let connection = this.idle.pop();
    while (connection && !connection.usable) connection = this.idle.pop();
    if (!connection) {
      const ready = this.first ?? (await this.connect());
      this.first = undefined;
      connection = new Http1Connection(ready, this.origin.host, (c) => {
        if (this.closed) c.destroy();
        else this.idle.push(c);
      });
      this.all.add(connection);
      if (this.closed) connection.destroy();
    }
    return connection.request(req);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.first?.destroy();
    for (const connection of this.all) connection.destroy();
    this.all.clear();
    this.idle.length = 0;
  }
}

/** Reads a whole body, cut at `maxBytes`: a larger body ends the probe with `response_too_large`. */
export async function readBody(reply: HttpReply, maxBytes: number): Promise<Buffer> {
  const declared = Number(reply.headers['content-length']);
  if (declared > maxBytes) {
    reply.body.destroy();
    throw tooLarge(maxBytes);
  }
  return reply.body.readAll(maxBytes);
}

/** How much of an error body is kept as evidence. */
const ERROR_BODY_BYTES = 65_536;

/**
 * A non-2xx answer as a failure: 401/403 is an auth wall (its challenge kept for the metadata lookup),
 * anything else `http_status`; the start of the body is kept as evidence and for era detection.
 */
export async function statusFailure(what: string, reply: HttpReply): Promise<ProbeFailure> {
  const text = (await readBody(reply, ERROR_BODY_BYTES).catch(() => Buffer.alloc(0))).toString();
  const wwwAuthenticate = header(reply.headers, 'www-authenticate');
  const auth = reply.status === 401 || reply.status === 403;
  return new ProbeFailure(
    auth ? 'auth_required' : 'http_status',
    auth
      ? `${what} was refused with HTTP ${reply.status}: the server requires authorization`
      : `${what} got HTTP ${reply.status}: ${snippet(text)}`,
    undefined,
    undefined,
    { status: reply.status, body: text, ...(wwwAuthenticate ? { wwwAuthenticate } : {}) },
  );
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A URL fit to print or store: a password in it is replaced, since results are logged and kept. */
export function displayUrl(url: URL): string {
  if (!url.password) return url.href;
  const copy = new URL(url.href);
  copy.password = '***';
  return copy.href;
}
