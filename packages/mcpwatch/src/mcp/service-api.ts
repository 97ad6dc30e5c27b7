import { adhocProbe } from '../service/adhoc-probe.js';
import type { MonitorView } from '../service/monitor-view.js';
import { sendNotice } from '../service/notice.js';
import { endPause, pauseFor } from '../service/pause-window.js';
import type { Service } from '../service/service.js';
import { ServiceError } from '../service/service-error.js';
import type { Incident } from '../store/index.js';
import { matchesFilter, monitorDetail } from './monitor-detail.js';
import { incidentView, pickMonitor, unknownIncident } from './monitor-names.js';
import {
  type IncidentView,
  type MonitorDetail,
  type MonitorFilter,
  type WatchApi,
  WatchError,
} from './watch-api.js';

/**
 * WatchApi in the process that runs the service (`mcpwatch serve`'s /mcp): the same service functions the
 * REST routes call, with the caller's name recorded on what it changes.
 */
export class ServiceWatchApi implements WatchApi {
  constructor(
    private readonly service: Service,
    /** Who is asking: the API token's user, recorded on acknowledgements, pauses and notices. */
    private readonly by: string,
  ) {}

  async listMonitors(filter: MonitorFilter = {}): Promise<MonitorView[]> {
    return this.service.monitors.list().filter((m) => matchesFilter(m, filter));
  }

  async getMonitor(name: string, options: { recentEvents?: number } = {}): Promise<MonitorDetail> {
    return monitorDetail(this.service.store, this.named(name), options);
  }

  async listIncidents(
    query: { monitor?: string; open?: boolean; limit?: number } = {},
  ): Promise<IncidentView[]> {
    const monitorId = query.monitor === undefined ? undefined : this.named(query.monitor).id;
    const incidents = await this.service.store.listIncidents({
      ...(monitorId !== undefined ? { monitorId } : {}),
      ...(query.open !== undefined ? { open: query.open } : {}),
      limit: query.limit ?? 100,
    });
    return incidents.map((i) => this.viewOf(i));
  }

  async getIncident(id: number) {
    const { store } = this.service;
    const incident = await store.getIncident(id);
    if (!incident) throw unknownIncident(id);
    const timeline = await store.listEvents({
      monitorId: incident.monitorId,
      from: incident.openedAt,
      to: (incident.resolvedAt ?? Date.now()) + 1,
      limit: 1000,
    });
    return { incident: this.viewOf(incident), timeline: timeline.reverse() };
  }

  async probe(target: { monitor: string } | { url: string; headers?: Record<string, string> | undefined }) {
    return this.serviceCall(() =>
      adhocProbe(this.service, 'monitor' in target ? { monitorId: this.named(target.monitor).id } : target),
    );
  }

  async checkNow(name: string) {
    const { id } = this.named(name);
    return this.serviceCall(async () => {
      const result = await this.service.monitors.checkNow(id);
      return { result, monitor: this.service.monitors.get(id) };
    });
  }

  async acknowledgeIncident(id: number): Promise<IncidentView> {
    const { store } = this.service;
    if (!(await store.acknowledgeIncident(id, this.by, Date.now()))) throw unknownIncident(id);
    const incident = await store.getIncident(id);
    if (!incident) throw unknownIncident(id);
    return this.viewOf(incident);
  }

  async pauseMonitor(name: string, input: { durationMinutes: number; reason?: string | undefined }) {
    const { id } = this.named(name);
    return this.serviceCall(() => pauseFor(this.service, id, { ...input, by: this.by }));
  }

  async resumeMonitor(name: string) {
    const { id } = this.named(name);
    return this.serviceCall(() => endPause(this.service, id));
  }

  async sendNotification(input: {
    monitor: string;
    title: string;
    message: string;
    priority?: 'low' | 'normal' | 'high' | 'urgent' | undefined;
    channel?: string | undefined;
  }) {
    const { id } = this.named(input.monitor);
    const { monitor: _, ...rest } = input;
    return this.serviceCall(() => sendNotice(this.service, { ...rest, monitorId: id, by: this.by }));
  }

  private named(name: string): MonitorView {
    return pickMonitor(this.service.monitors.list(), name);
  }

  private viewOf(incident: Incident): IncidentView {
    return incidentView(incident, this.service.monitors.list());
  }

  /** The service's refusals, as the tools report them. */
  private async serviceCall<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ServiceError) {
        throw new WatchError(error.code === 'read_only' ? 'forbidden' : error.code, error.message);
      }
      throw error;
    }
  }
}
