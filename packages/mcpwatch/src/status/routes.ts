import type { FastifyInstance } from 'fastify';
import type { RouteDoc } from '../api/route.js';
import type { Runtime } from '../service/monitor-view.js';
import type { Service } from '../service/service.js';
import { StatusPageDirectory } from './directory.js';
import { incidentUpdatesApi } from './incident-updates-api.js';
import { maintenanceApi } from './maintenance-api.js';
import { PageCache } from './page-cache.js';
import type { Member, PageSources } from './page-data.js';
import { statusPageApi } from './pages-api.js';
import { publicStatusRoutes } from './public-routes.js';

function member(runtime: Runtime): Member {
  const { monitor, spec, last } = runtime;
  return {
    id: monitor.id,
    name: monitor.name,
    group: spec?.group ?? null,
    tags: spec?.tags ?? [],
    status: runtime.status,
    since: runtime.since,
    target: monitor.target,
    lastCheck: last ? { at: last.at, reason: last.reason, durationMs: last.durationMs } : null,
  };
}

/** Where pages read monitors from: the service's memory, by name; a group by walking the list once. */
export function serviceSources(
  service: Service,
): PageSources & { memberIds(page: { items: { monitor?: string; group?: string }[] }): number[] } {
  const monitor = (name: string) => {
    const runtime = service.monitors.findByName(name);
    return runtime && member(runtime);
  };
  const group = (name: string) =>
    service.monitors
      .list()
      .filter((m) => m.group === name)
      .flatMap((m) => {
        const runtime = service.monitors.findByName(m.name);
        return runtime ? [member(runtime)] : [];
      });
  return {
    store: service.store,
    monitor,
    group,
    maintenance: () => {
      const { file, api } = service.alerting.listMaintenance();
      return [...file, ...api];
    },
    memberIds: (page) =>
      page.items.flatMap((item) =>
        item.monitor !== undefined
          ? [monitor(item.monitor)?.id ?? -1]
          : group(item.group ?? '').map((m) => m.id),
      ),
  };
}

/** Public status pages, their badges and feeds, and the API that manages them and maintenance windows. */
export function statusRoutes(app: FastifyInstance, docs: RouteDoc[], service: Service): void {
  const directory = new StatusPageDirectory(service.store, () => service.fileStatusPages);
  const cache = new PageCache(serviceSources(service));
  // Every page built ahead of its first visitor: at start, and when monitors or pages change.
  const warm = () => {
    directory
      .list()
      .then((entries) => Promise.all(entries.map((e) => cache.get(e.page))))
      .catch(() => {});
  };
  app.addHook('onReady', async () => warm());
  // A status change or an incident shows at once on the pages that show the monitor; the rest within seconds.
  service.bus.on('event', ({ monitorId }) => cache.monitorChanged(monitorId));
  service.bus.on('monitors', () => {
    cache.clear();
    warm();
  });

  publicStatusRoutes(app, docs, { directory, cache });
  statusPageApi(app, docs, {
    store: service.store,
    directory,
    isMonitor: (name) => service.monitors.findByName(name) !== undefined,
    isGroup: (name) => service.monitors.list().some((m) => m.group === name),
    changed: () => {
      directory.changed();
      cache.clear();
      warm();
    },
  });
  maintenanceApi(app, docs, {
    store: service.store,
    list: () => service.alerting.listMaintenance(),
    changed: async () => {
      await service.alerting.refreshApiMaintenance();
      cache.clear();
    },
  });
  incidentUpdatesApi(app, docs, {
    store: service.store,
    resolveIncident: (monitorId, by) => service.monitors.resolveIncident(monitorId, by),
    changed: () => cache.clear(),
  });
}
