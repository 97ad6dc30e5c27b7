import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { nextTurn } from '../event-loop.js';
import type { Service } from '../service/service.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * Open without credentials, for orchestrators and load balancers. `/live` proves only that the event loop
 * turns; `/ready` that mcpwatch is doing its job (store taking writes, scheduler not stuck behind its
 * slots, heartbeat deadlines being checked, config loaded), naming the failing part; `/health` is a summary for people.
 */
export function healthRoutes(app: FastifyInstance, service: Service): void {
  liveRoute(app);

  app.get('/ready', async (_request, reply) => {
    const { ready, checks, problems } = await service.readiness();
    reply.code(ready ? 200 : 503);
    if (ready) return { status: 'ready', checks };
    return { status: 'not ready', failing: Object.keys(problems), problems, checks };
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

/** `/live`, for every mcpwatch process that serves HTTP: answers once the event loop has turned, nothing else. */
export function liveRoute(app: FastifyInstance): void {
  app.get('/live', async () => {
    await nextTurn();
    return { status: 'ok' };
  });
}
