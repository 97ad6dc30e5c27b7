import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { probeRoutes } from '../exporter/probe-route.js';
import { mcpRoute } from '../mcp/http-route.js';
import { metricsRoutes } from '../metrics/routes.js';
import type { Service } from '../service/service.js';
import { statusRoutes } from '../status/routes.js';
import type { TrustProxy } from '../trust-proxy.js';
import { webDistDir, webRoutes } from '../web/serve-web.js';
import { authPlugin } from './auth.js';
import { dashboardRoutes } from './dashboard.js';
import { ApiError, installErrorHandler } from './errors.js';
import { healthRoutes } from './health.js';
import { heartbeatPingRoutes, type PingRouteOptions } from './heartbeat-ping.js';
import { historyRoutes } from './history.js';
import { monitorRoutes } from './monitors.js';
import { notificationRoutes } from './notifications.js';
import { openApiDocument } from './openapi.js';
import { probeAndNotifyRoutes } from './probe-and-notify.js';
import type { RouteDoc } from './route.js';
import { streamRoute } from './stream.js';
import { tokenRoutes } from './tokens.js';
import { userRoutes } from './users.js';

export interface AppOptions {
  service: Service;
  logger: Logger;
  /** Mark the session cookie Secure: set when mcpwatch is reached over HTTPS (directly or behind a proxy). */
  secureCookies?: boolean;
  heartbeat?: PingRouteOptions;
  /** `MCPWATCH_METRICS_TOKEN`: when set, `/metrics` needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** The reverse proxies whose X-Forwarded-For names the client (`--trust-proxy`). */
  trustProxy?: TrustProxy;
}

/**
 * The HTTP face of the service: REST under /api/v1 (signed in), heartbeat pings and health endpoints
 * (open), and the web dashboard. Each area is its own module; this only puts them together.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { service } = options;
  const app = Fastify({
    // pino's Logger is Fastify's logger; typed as the base one so every plugin takes the default instance.
    loggerInstance: options.logger as FastifyBaseLogger,
    // Requests are not logged one by one: a busy heartbeat endpoint would drown everything else.
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    bodyLimit: 1024 * 1024,
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
  });
  installErrorHandler(app);
  const docs: RouteDoc[] = [];
  // One store and one clock for sign-in, users and tokens.
  const accounts = { store: service.store, now: Date.now };
  await app.register(authPlugin, {
    ...accounts,
    docs,
    ...(options.secureCookies !== undefined ? { secureCookies: options.secureCookies } : {}),
  });
  userRoutes(app, docs, accounts);
  tokenRoutes(app, docs, accounts);
  monitorRoutes(app, docs, service);
  historyRoutes(app, docs, service);
  notificationRoutes(app, docs, {
    store: service.store,
    listChannels: () => service.alerting.listChannels(),
    resolveChannel: (name) => service.alerting.resolveChannel(name),
    channelsChanged: () => service.alerting.refreshApiChannels(),
  });
  probeAndNotifyRoutes(app, docs, service);
  streamRoute(app, docs, service);
  dashboardRoutes(app, docs, service);
  statusRoutes(app, docs, service);
  // Built once every plugin has loaded, so it describes every route declared, wherever it was.
  let document: Record<string, unknown> | undefined;
  app.addHook('onReady', async () => {
    document = openApiDocument(docs);
  });
  // Open: the document describes the API, it reveals no data.
  app.get('/api/v1/openapi.json', { config: { public: true } }, async () => document);
  await app.register(heartbeatPingRoutes, { service, ...options.heartbeat });
  healthRoutes(app, service);
  metricsRoutes(app, service, options.metricsToken ? { token: options.metricsToken } : {});
  // Off until mcpwatch.yaml defines probeModules: no defaults here (see ProbeRouteOptions.defaults).
  probeRoutes(app, { modules: () => service.configInForce?.probeModules, token: options.metricsToken });
  // mcpwatch's own MCP server (Streamable HTTP, both eras), with its own token check and Origin policy.
  mcpRoute(app, service, { behindProxy: options.trustProxy !== undefined });
  // Last: the dashboard answers the GETs no other route took.
  webRoutes(app, webDistDir());
  app.setNotFoundHandler((request) => {
    throw new ApiError(
      404,
      'not_found',
      `No route ${request.method} ${request.url.split('?')[0]}: see /api/v1/openapi.json`,
    );
  });
  return app;
}
