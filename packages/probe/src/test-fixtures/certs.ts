/**
 * Certificates made on the spot for TLS tests: a CA, leaves it signs and self-signed leaves, with any
 * validity window and names. Keys come from node:crypto (fast); node-forge builds and signs the X.509.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

const DAY_MS = 86_400_000;

export interface Issued {
  key: string;
  cert: string;
}

interface Authority extends Issued {
  subject: forge.pki.CertificateField[];
  privateKey: forge.pki.rsa.PrivateKey;
}

export interface LeafOptions {
  /** DNS names for subjectAltName. */
  dns?: string[];
  /** IP addresses for subjectAltName; the probe tests connect to 127.0.0.1. */
  ips?: string[];
  commonName?: string;
  /** Validity window relative to now, in days (negative is in the past). */
  fromDays?: number;
  toDays: number;
  /** Signed by this CA; self-signed when absent. */
  issuer?: Authority;
}

function keyPair(): {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  pem: string;
} {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
    pem: privateKey,
  };
}

function baseCert(publicKey: forge.pki.rsa.PublicKey, fromDays: number, toDays: number) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial: the high bit clear.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  const now = Date.now();
  cert.validity.notBefore = new Date(now + fromDays * DAY_MS);
  cert.validity.notAfter = new Date(now + toDays * DAY_MS);
  return cert;
}

export function makeCa(commonName = 'mcpwatch test CA'): Authority {
  const keys = keyPair();
  const cert = baseCert(keys.publicKey, -1, 365);
  const subject = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'mcpwatch tests' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: keys.pem, cert: forge.pki.certificateToPem(cert), subject, privateKey: keys.privateKey };
}

export function makeLeaf(options: LeafOptions): Issued {
  const keys = keyPair();
  const cert = baseCert(keys.publicKey, options.fromDays ?? -1, options.toDays);
  const subject = [
    { name: 'commonName', value: options.commonName ?? options.dns?.[0] ?? options.ips?.[0] ?? 'leaf' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(options.issuer?.subject ?? subject);
  const altNames = [
    ...(options.dns ?? []).map((value) => ({ type: 2, value })),
    ...(options.ips ?? []).map((ip) => ({ type: 7, ip })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    ...(altNames.length ? [{ name: 'subjectAltName', altNames }] : []),
  ]);
  cert.sign(options.issuer?.privateKey ?? keys.privateKey, forge.md.sha256.create());
  return { key: keys.pem, cert: forge.pki.certificateToPem(cert) };
}
