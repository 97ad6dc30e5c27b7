import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './api/app.js';
import { type AdminBootstrap, describeBootstrap, ensureAdmin } from './auth/bootstrap.js';
import { ConfigWatcher } from './config/watch-config.js';
import { Service, type ServiceOptions } from './service/service.js';
import { openStore, type Store } from './store/index.js';
import type { TrustProxy } from './trust-proxy.js';

export interface ServerOptions {
  port: number;
  host: string;
  /** A store URL (sqlite:…, a path, postgres://…). */
  database: string;
  configFile?: string;
  /** The environment: `${NAME}` in mcpwatch.yaml and the first-admin variables are read from it. */
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  concurrency?: number;
  secureCookies?: boolean;
  trustProxy?: TrustProxy;
  runnerFor?: ServiceOptions['runnerFor'];
}

export interface RunningServer {
  app: FastifyInstance;
  service: Service;
  /** The address actually bound (port 0 picks a free one). */
  url: string;
  /** What the first-admin bootstrap did. */
  admin: AdminBootstrap;
  /** Stops taking requests, lets running checks finish within `graceMs`, closes the store. */
  close(graceMs?: number): Promise<void>;
}

/** `mcpwatch serve` without the command line: store, first admin, service, HTTP, in that order. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { log } = options;
  // A config that does not load ends the start before anything is written: no database file, no admin.
  const config =
    options.configFile === undefined
      ? undefined
      : await ConfigWatcher.start(path.resolve(options.configFile), { source: { env: options.env } });
  let store: Store;
  try {
    store = await openStore(options.database);
  } catch (error) {
    config?.close();
    throw error;
  }
  let service: Service | undefined;
  try {
    const bootstrap = await ensureAdmin(store, options.env, Date.now());
    const line = describeBootstrap(bootstrap);
    if (line) (bootstrap.action === 'created' ? log.info.bind(log) : log.warn.bind(log))(line);
    service = await Service.start({
      store,
      log,
      ...(config !== undefined ? { config } : {}),
      env: options.env,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.runnerFor !== undefined ? { runnerFor: options.runnerFor } : {}),
    });
    const app = await buildApp({
      service,
      logger: log,
      ...(options.secureCookies !== undefined ? { secureCookies: options.secureCookies } : {}),
      ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
      ...(options.env.MCPWATCH_METRICS_TOKEN ? { metricsToken: options.env.MCPWATCH_METRICS_TOKEN } : {}),
    });
    await app.listen({ port: options.port, host: options.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const running = service;
    return {
      app,
      service: running,
      url: `http://${host}:${port}`,
      admin: bootstrap,
      close: async (graceMs = 10_000) => {
        await app.close();
        await running.stop(graceMs);
      },
    };
  } catch (error) {
    if (service) await service.stop(0);
    else {
      config?.close();
      await store.close();
    }
    throw error;
  }
}
