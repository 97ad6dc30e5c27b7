import { lookup } from 'node:dns/promises';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { ProbeContext } from '../context.js';
import { ProbeFailure } from '../failure.js';
import type { TlsInfo } from '../result.js';
import { inspectTls, tlsVerdict } from './tls.js';

export interface TlsOptions {
  /** Go on when the certificate is not valid (still reported, still checked for expiry). */
  insecure?: boolean;
  /** Extra trusted CA certificates in PEM. */
  ca?: string | string[];
  /** SNI and hostname to verify against, when it differs from the URL's host. */
  servername?: string;
  /** Days before expiry at which the probe degrades. */
  expiryWarnDays?: number;
  alpn?: string[];
}

/**
 * Opens a TCP (and TLS) connection with each step timed into the context: dns, connect, tls. The TLS
 * handshake never rejects a certificate itself; the probe inspects it and decides, so an expired or
 * self-signed certificate gets its own reason instead of a generic socket error. The first certificate seen
 * is kept on the context, which the runner reports.
 */
export async function connect(
  host: string,
  port: number,
  secure: boolean,
  ctx: ProbeContext,
  tlsOptions: TlsOptions = {},
): Promise<Socket | TLSSocket> {
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  const address = isIP(bare)
    ? bare
    : await ctx.phase('dns', async () => {
        try {
          return (await lookup(bare)).address;
        } catch (error) {
          throw new ProbeFailure(
            'dns',
            `${bare} did not resolve (${(error as { code?: string }).code ?? 'error'})`,
            'dns',
          );
        }
      });
  const socket = await ctx.phase('connect', (signal) => openSocket(address, port, signal));
  if (!secure) return socket;
  let tls: TlsInfo | undefined;
  const tlsSocket = await ctx.phase('tls', async (signal) => {
    const s = await handshake(socket, bare, tlsOptions, signal);
    tls = inspectTls(s, tlsOptions.servername ?? bare);
    return s;
  });
  if (tls) {
    // Kept on the context so the result shows the certificate even when the verdict fails the probe.
    ctx.tls ??= tls;
    const verdict = tlsVerdict(tls, tlsOptions, ctx);
    if (verdict) {
      tlsSocket.destroy();
      throw verdict;
    }
  }
  return tlsSocket;
}

function openSocket(address: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: address, port, noDelay: true });
    const onAbort = () => {
      socket.destroy();
      reject(
        new ProbeFailure('connect_timeout', `TCP connect to ${address}:${port} did not complete in time`),
      );
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(connectFailure(error, address, port));
    });
  });
}

function connectFailure(error: NodeJS.ErrnoException, address: string, port: number): ProbeFailure {
  switch (error.code) {
    case 'ECONNREFUSED':
      return new ProbeFailure('connect_refused', `Connection to ${address}:${port} refused`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ProbeFailure('connect_timeout', `${address}:${port} is unreachable (${error.code})`);
    default:
      return new ProbeFailure(
        'connect_reset',
        `Connection to ${address}:${port} failed (${error.code ?? error.message})`,
      );
  }
}

function handshake(
  socket: Socket,
  host: string,
  options: TlsOptions,
  signal: AbortSignal,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({
      socket,
      servername: isIP(options.servername ?? host) ? undefined : (options.servername ?? host),
      rejectUnauthorized: false,
      // Node folds a host name mismatch into `authorized` (checked against "localhost" when no
      // servername is sent, as for an IP), which made every certificate for an IP look untrusted.
      // `authorized` must mean the chain only; inspectTls checks the name itself, for tls_hostname.
      checkServerIdentity: () => undefined,
      ALPNProtocols: options.alpn ?? ['http/1.1'],
      ...(options.ca ? { ca: options.ca } : {}),
    });
    const onAbort = () => {
      s.destroy();
      reject(new ProbeFailure('timeout', 'The TLS handshake did not complete in time'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    s.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort);
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      s.destroy();
      reject(new ProbeFailure('tls_invalid', `TLS handshake failed: ${error.message}`));
    });
  });
}
