import { createRequire } from 'node:module';
import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  type AuthInfo,
  createMcpHandler,
  localhostAllowedHostnames,
  validateHostHeader,
  validateOriginHeader,
} from '@modelcontextprotocol/server';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { lookUpBearer } from '../auth/api-token.js';
import { allows } from '../auth/roles.js';
import type { Service } from '../service/service.js';
import { createWatchServer } from './server.js';
import { ServiceWatchApi } from './service-api.js';
import type { Scope } from './watch-api.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export const MCP_PATH = '/mcp';

export interface McpRouteOptions {
  /**
   * Host names (without port) /mcp answers to besides the loopback ones, when mcpwatch listens on loopback.
   * On any other address every Host is accepted: the bearer token is what keeps other sites out there.
   */
  allowedHosts?: readonly string[];
  /** Origins (host names, as the SDK's validateOriginHeader takes them) allowed besides the service's own. */
  allowedOrigins?: readonly string[];
  /**
   * Behind a reverse proxy (`--trust-proxy`) the proxy reaches mcpwatch on loopback with the public Host:
   * the loopback Host check is then left to the proxy.
   */
  behindProxy?: boolean;
}

interface Caller {
  by: string;
  scope: Scope;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * `/mcp` on `mcpwatch serve`: mcpwatch's own MCP server over Streamable HTTP, both protocol eras, stateless
 * (a fresh server per request from one factory, so an API token's scope decides the tools of each request).
 * Outside /api/v1, so it checks its own credentials: an API token only (MCP clients send no cookies).
 */
export function mcpRoute(app: FastifyInstance, service: Service, options: McpRouteOptions = {}): void {
  const handler = createMcpHandler(({ authInfo }) => {
    const caller = authInfo?.extra as Caller | undefined;
    // Unreachable without a caller (the route authenticates first); read-only is the safe reading of none.
    return createWatchServer(new ServiceWatchApi(service, caller?.by ?? 'unknown'), {
      scope: caller?.scope ?? 'read',
      version,
    });
  });
  const serve = toNodeHandler(handler);
  app.addHook('onClose', async () => handler.close());

  app.route({
    method: ['POST', 'GET', 'DELETE'],
    url: MCP_PATH,
    handler: async (request, reply) => {
      const refused = rebinding(request, options);
      if (refused) {
        reply.code(403);
        return { jsonrpc: '2.0', id: null, error: { code: -32000, message: refused } };
      }
      const caller = await authenticate(service, request);
      if (typeof caller === 'string') {
        reply
          .code(401)
          .header('WWW-Authenticate', 'Bearer realm="mcpwatch", error="invalid_token"')
          .header('content-type', 'application/json');
        return { jsonrpc: '2.0', id: null, error: { code: -32001, message: caller } };
      }
      const auth: AuthInfo = {
        token: 'mcpwatch',
        clientId: caller.by,
        scopes: [caller.scope],
        extra: { ...caller },
      };
      (request.raw as typeof request.raw & { auth?: AuthInfo }).auth = auth;
      // The SDK writes the answer (JSON or an SSE stream) on the raw response; Fastify stands aside.
      reply.hijack();
      await serve(request.raw, reply.raw, request.body);
    },
  });
}

/**
 * DNS rebinding and cross-site browsers (the MCP spec's security guidance): an Origin, when a browser sends
 * one, must be the service's own (or allowed); and a service listening on loopback answers only to loopback
 * host names, so a rebound name cannot reach it. A refusal is the reason, for the 403.
 */
function rebinding(request: FastifyRequest, options: McpRouteOptions): string | undefined {
  const host = request.headers.host ?? '';
  // Brackets kept: the SDK's allowlists name IPv6 hosts as [::1].
  const hostname = host.replace(/:\d+$/, '');
  if (!options.behindProxy && LOOPBACK.has(request.socket.localAddress ?? '')) {
    const allowed = [...localhostAllowedHostnames(), ...(options.allowedHosts ?? [])];
    const checked = validateHostHeader(host, allowed);
    if (!checked.ok)
      return `Host "${host}" is not allowed: mcpwatch listens on loopback (DNS rebinding guard)`;
  }
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  const checked = validateOriginHeader(origin, [hostname, ...(options.allowedOrigins ?? [])]);
  return checked.ok
    ? undefined
    : `Origin "${origin}" is not allowed to call mcpwatch's MCP server: only the service's own origin is`;
}

/** The caller of an API token, or why there is none (the 401's message). */
async function authenticate(service: Service, request: FastifyRequest): Promise<Caller | string> {
  const header = request.headers.authorization;
  if (header === undefined)
    return 'Send an mcpwatch API token as "Authorization: Bearer mcpw_…" (create one in the dashboard).';
  const found = await lookUpBearer(service.store, header, Date.now());
  if ('refused' in found) return found.refused;
  // A viewer's token reads whatever its scope says: the role caps what a token may do.
  const scope: Scope = found.token.scope === 'write' && allows(found.user.role, 'editor') ? 'write' : 'read';
  return { by: found.user.name, scope };
}
