import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import type { Service } from '../service/service.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * Open without credentials, for orchestrators and load balancers. `/live` proves only that the event loop
 * turns; `/ready` that mcpwatch is doing its job (store answering, scheduler running, heartbeat deadlines
 * being checked, config loaded), naming the failing part; `/health` is a summary for people.
 */
export function healthRoutes(app: FastifyInstance, service: Service): void {
  app.get('/live', async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return { status: 'ok' };
  });

  app.get('/ready', async (_request, reply) => {
    const checks: Record<string, boolean> = { ...service.readiness(), store: await storeAnswers(service) };
    const failing = Object.keys(checks).filter((k) => !checks[k]);
    reply.code(failing.length === 0 ? 200 : 503);
    return failing.length === 0 ? { status: 'ready', checks } : { status: 'not ready', failing, checks };
  });

  app.get('/health', async () => {
    const monitors = service.monitors.list();
    const byStatus: Record<string, number> = {};
    for (const m of monitors) byStatus[m.status] = (byStatus[m.status] ?? 0) + 1;
    const stats = service.scheduler.stats();
    return {
      version,
      uptimeSec: Math.round((Date.now() - service.startedAt) / 1000),
      store: service.store.dialect,
      config: service.config,
      monitors: { total: monitors.length, ...byStatus },
      scheduler: {
        running: stats.running,
        waiting: stats.waiting,
        lagMs: stats.lagMs,
        overruns: stats.overruns,
      },
    };
  });
}

async function storeAnswers(service: Service): Promise<boolean> {
  try {
    await Promise.race([
      service.store.listIncidents({ limit: 1 }),
      new Promise((_, reject) => setTimeout(reject, 2000).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}
