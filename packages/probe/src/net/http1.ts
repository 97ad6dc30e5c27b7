import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { ProbeFailure } from '../failure.js';
import { ResponseBody } from './response-body.js';

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: ResponseBody;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'HEAD' | 'PUT' | 'PATCH' | 'OPTIONS';
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** A response head larger than this is not a server worth parsing further. */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type State = 'head' | 'fixed' | 'chunk-size' | 'chunk' | 'chunk-end' | 'trailer' | 'until-close';

interface Exchange {
  head: boolean;
  resolve(reply: HttpReply): void;
  reject(error: Error): void;
  body?: ResponseBody;
  state: State;
  left: number;
  keepAlive: boolean;
  release(): void;
}

/**
 * HTTP/1.1 on one socket the probe already connected and timed: a request writer and an incremental
 * response parser (content-length, chunked and close-delimited bodies, 1xx skipped), one exchange at a
 * time. A probe sends a handful of small requests per fresh connection; measured with `npm run bench`,
 * this costs a third less CPU than undici or Node's client, which both set up far more per connection.
 * Anything malformed is `invalid_response`; a connection lost mid-exchange is `connect_reset`.
 */
export class Http1Connection {
  private pending: Buffer | undefined;
  private current: Exchange | undefined;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly host: string,
    private readonly onIdle: (connection: Http1Connection) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.onClose());
    // Errors arrive as 'close' too; the exchange in flight learns of them there.
    socket.on('error', () => {});
  }

  get usable(): boolean {
    return !this.closed && !this.current && !this.socket.destroyed;
  }

  request(req: HttpRequest): Promise<HttpReply> {
    return new Promise((resolve, reject) => {
      if (req.signal.aborted) {
        reject(req.signal.reason);
        return;
      }
      // A socket the server closed before this request (its 'close' already came and went) would
      // never answer: say so now instead of waiting for the deadline.
      if (this.closed || this.socket.destroyed) {
        reject(connectionLost());
        return;
      }
      const onAbort = () => {
        const reason = req.signal.reason as Error;
        const exchange = this.current;
        this.destroy();
        if (exchange?.body) exchange.body.fail(reason);
        else reject(reason);
      };
      req.signal.addEventListener('abort', onAbort, { once: true });
      this.current = {
        head: req.method === 'HEAD',
        resolve,
        reject,
        state: 'head',
        left: 0,
        keepAlive: true,
        release: () => req.signal.removeEventListener('abort', onAbort),
      };
      let head = `${req.method} ${req.url.pathname}${req.url.search} HTTP/1.1\r\nhost: ${this.host}\r\n`;
      for (const name in req.headers) head += `${name}: ${req.headers[name]}\r\n`;
      if (req.body !== undefined) head += `content-length: ${Buffer.byteLength(req.body)}\r\n`;
      this.socket.write(req.body === undefined ? `${head}\r\n` : `${head}\r\n${req.body}`);
    });
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.pending = this.pending?.length ? Buffer.concat([this.pending, chunk]) : chunk;
    try {
      this.parse();
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private parse(): void {
    for (;;) {
      const x = this.current;
      const buf = this.pending;
      if (!x || !buf || buf.length === 0) {
        // Bytes nobody asked for (a second response, garbage after the body) end the connection's reuse.
        if (!x && buf && buf.length > 0) this.destroy();
        return;
      }
      switch (x.state) {
        case 'head': {
          const end = buf.indexOf(HEAD_END);
          if (end === -1) {
            if (buf.length > MAX_HEAD_BYTES) throw malformed(`a response head over ${MAX_HEAD_BYTES} bytes`);
            return;
          }
          this.pending = buf.subarray(end + 4);
          this.startBody(x, buf.toString('latin1', 0, end));
          continue;
        }
        case 'fixed':
        case 'chunk': {
          const n = Math.min(x.left, buf.length);
          x.body?.push(buf.subarray(0, n));
          this.pending = buf.subarray(n);
          x.left -= n;
          if (x.left > 0) return;
          if (x.state === 'fixed') this.finish(x);
          else x.state = 'chunk-end';
          continue;
        }
        case 'chunk-size': {
          const end = buf.indexOf(CRLF);
          if (end === -1) {
            if (buf.length > 1024) throw malformed('a chunk size line over 1 KiB');
            return;
          }
          const text = buf.toString('latin1', 0, end).split(';')[0]?.trim() ?? '';
          if (!/^[0-9a-fA-F]{1,12}$/.test(text)) throw malformed(`a chunk size of "${text.slice(0, 20)}"`);
          this.pending = buf.subarray(end + 2);
          x.left = Number.parseInt(text, 16);
          x.state = x.left === 0 ? 'trailer' : 'chunk';
          continue;
        }
        case 'chunk-end': {
          if (buf.length < 2) return;
          if (buf[0] !== 13 || buf[1] !== 10) throw malformed('a chunk without its closing CRLF');
          this.pending = buf.subarray(2);
          x.state = 'chunk-size';
          continue;
        }
        case 'trailer': {
          const end = buf.indexOf(CRLF);
          if (end === -1) return;
          this.pending = buf.subarray(end + 2);
          if (end === 0) this.finish(x);
          continue;
        }
        case 'until-close': {
          x.body?.push(buf);
          this.pending = undefined;
          return;
        }
      }
    }
  }

  private startBody(x: Exchange, head: string): void {
    const lines = head.split('\r\n');
    const statusLine = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (!statusLine) throw malformed(`the status line "${(lines[0] ?? '').slice(0, 40)}"`);
    const status = Number(statusLine[1]);
    if (status >= 100 && status < 200) return; // 100 Continue and friends: the real head follows.
    const headers: IncomingHttpHeaders = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon <= 0) throw malformed(`the header line "${line.slice(0, 40)}"`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const seen = headers[name];
      if (name === 'set-cookie') headers[name] = [...((seen as string[] | undefined) ?? []), value];
      else headers[name] = seen === undefined ? value : `${seen}, ${value}`;
    }
    const connection = String(headers.connection ?? '').toLowerCase();
    x.keepAlive = !connection.includes('close') && !lines[0]?.startsWith('HTTP/1.0');
    const length = headers['content-length'];
    // Decide how the body is framed before handing out the reply, so a malformed frame fails the request.
    if (x.head || status === 204 || status === 304) {
      x.state = 'fixed';
      x.left = 0;
    } else if (
      String(headers['transfer-encoding'] ?? '')
        .toLowerCase()
        .includes('chunked')
    ) {
      x.state = 'chunk-size';
    } else if (length !== undefined) {
      if (!/^\d{1,15}$/.test(String(length).trim())) {
        throw malformed(`a content-length of "${String(length).slice(0, 20)}"`);
      }
      x.state = 'fixed';
      x.left = Number(length);
    } else {
      x.state = 'until-close';
      x.keepAlive = false;
    }
    const socket = this.socket;
    x.body = new ResponseBody({
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      abort: () => this.destroy(),
    });
    x.resolve({ status, headers, body: x.body });
    if (x.state === 'fixed' && x.left === 0) this.finish(x);
  }

  private finish(x: Exchange): void {
    this.current = undefined;
    x.release();
    x.body?.end();
    if (!x.keepAlive) this.destroy();
    else this.onIdle(this);
  }

  private onClose(): void {
    this.closed = true;
    const x = this.current;
    this.current = undefined;
    if (!x) return;
    x.release();
    if (x.state === 'until-close') {
      x.body?.end();
      return;
    }
    const error = connectionLost();
    if (x.body) x.body.fail(error);
    else x.reject(error);
  }

  private fail(error: Error): void {
    const x = this.current;
    this.current = undefined;
    this.destroy();
    if (!x) return;
    x.release();
    if (x.body) x.body.fail(error);
    else x.reject(error);
  }
}

function connectionLost(): Error {
  return Object.assign(new Error('The server closed the connection before the response ended'), {
    code: 'ECONNRESET',
  });
}

function malformed(what: string): ProbeFailure {
  return new ProbeFailure('invalid_response', `The server sent a malformed HTTP response: ${what}`);
}
