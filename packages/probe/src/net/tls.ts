import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { ProbeContext } from '../context.js';
import { ProbeFailure } from '../failure.js';
import type { TlsInfo } from '../result.js';
import type { TlsOptions } from './connect.js';

const DAY_MS = 86_400_000;
export const DEFAULT_EXPIRY_WARN_DAYS = 14;

/** Reads what a monitor needs to know about the peer certificate of a finished handshake. */
export function inspectTls(socket: TLSSocket, hostname: string, now = Date.now()): TlsInfo {
  const cert = socket.getPeerCertificate(false) as PeerCertificate | undefined;
  const info: TlsInfo = {
    chainValid: socket.authorized,
    hostnameMatch: false,
  };
  const protocol = socket.getProtocol();
  if (protocol) info.protocol = protocol;
  const cipher = socket.getCipher()?.name;
  if (cipher) info.cipher = cipher;
  if (!socket.authorized && socket.authorizationError) info.chainError = String(socket.authorizationError);
  if (!cert || !('valid_to' in cert)) return info;
  info.subject = first(cert.subject?.CN);
  info.issuer = first(cert.issuer?.CN ?? cert.issuer?.O);
  info.altNames = cert.subjectaltname?.split(/,\s*/).map((n) => n.replace(/^(DNS|IP Address):/, ''));
  info.validFrom = new Date(cert.valid_from).toISOString();
  info.validTo = new Date(cert.valid_to).toISOString();
  info.daysLeft = Math.floor((Date.parse(cert.valid_to) - now) / DAY_MS);
  info.fingerprint256 = cert.fingerprint256;
  info.hostnameMatch = checkServerIdentity(hostname, cert) === undefined;
  return info;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Turns what the certificate showed into a failure, or records a soft check when it is merely close to
 * expiry. `insecure` lets a probe go on past an untrusted chain or a name mismatch, never past expiry
 * silently: that is still reported as a degraded check.
 */
export function tlsVerdict(tls: TlsInfo, options: TlsOptions, ctx: ProbeContext): ProbeFailure | undefined {
  const expired = tls.daysLeft !== undefined && tls.daysLeft < 0;
  if (expired || tls.chainError === 'CERT_HAS_EXPIRED') {
    const message = `The certificate expired on ${tls.validTo?.slice(0, 10) ?? 'an earlier date'}`;
    if (!options.insecure) return new ProbeFailure('tls_expired', message, 'tls');
    ctx.check('tls_expired', false, message, 'tls_expired');
  }
  if (!tls.chainValid && !expired && tls.chainError !== 'CERT_HAS_EXPIRED') {
    const message = `The certificate chain is not trusted (${tls.chainError ?? 'unknown error'})`;
    if (!options.insecure) return new ProbeFailure('tls_invalid', message, 'tls');
    ctx.check('tls_chain', false, message, 'tls_invalid');
  }
  if (!tls.hostnameMatch) {
    const message = `The certificate (${tls.subject ?? 'no subject'}) does not cover this host name`;
    if (!options.insecure) return new ProbeFailure('tls_hostname', message, 'tls');
    ctx.check('tls_hostname', false, message, 'tls_hostname');
  }
  const warn = options.expiryWarnDays ?? DEFAULT_EXPIRY_WARN_DAYS;
  if (tls.daysLeft !== undefined && tls.daysLeft >= 0) {
    ctx.check(
      'tls_expiry',
      tls.daysLeft >= warn,
      `The certificate expires in ${tls.daysLeft} days`,
      'tls_expiring',
    );
  }
  return undefined;
}
