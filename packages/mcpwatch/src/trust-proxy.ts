import { isIP } from 'node:net';
import { UsageError } from './usage-error.js';

/** What Fastify's `trustProxy` takes from us: the proxies' addresses, or a rule trusting the first hops. */
export type TrustProxy = string[] | ((address: string, hop: number) => boolean);

/** Names proxy-addr (Fastify's) understands for whole address ranges. */
const RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `--trust-proxy` / `MCPWATCH_TRUST_PROXY`: behind a reverse proxy or an Ingress every request comes from the
 * proxy's address, so sign-in limits per address would lump all users together. Naming the proxies (addresses,
 * CIDRs, `loopback`, `linklocal`, `uniquelocal`, comma-separated) or how many hops to trust makes the client's
 * address the one in X-Forwarded-For. Anything else is refused here, before Fastify would throw at start.
 */
export function parseTrustProxy(value: string): TrustProxy {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    // What proxy-addr makes of a hop count: X-Forwarded-For is believed that many hops back from the socket.
    const hops = Number(text);
    return (_address, hop) => hop < hops;
  }
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const prefixOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!RANGES.has(entry) && (family === 0 || !prefixOk || rest.length > 0)) {
      throw new UsageError(
        `--trust-proxy: "${entry}" is not an address, a CIDR range or one of loopback, linklocal, uniquelocal; name your reverse proxies (10.0.0.0/8,127.0.0.1) or the number of hops to trust (1)`,
      );
    }
  }
  if (entries.length === 0)
    throw new UsageError('--trust-proxy: name at least one proxy address or a hop count');
  return entries;
}
