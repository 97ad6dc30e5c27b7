import type { Logger } from 'pino';
import {
  type ChannelConfig,
  type Maintenance,
  maintenanceSchema,
  type Templates,
} from '../config/alerting-schema.js';
import type { Config } from '../config/config-schema.js';
import { substituteDeep } from '../env-vars.js';
import { maintenanceAt } from '../notify/maintenance.js';
import { buildNotification, priorityOf } from '../notify/message.js';
import type { AnyNotifier, Notification } from '../notify/notifier.js';
import { PROVIDERS } from '../notify/providers/index.js';
import { nextReminderAt } from '../notify/reminders.js';
import { channelsFor } from '../notify/routing.js';
import type { MonitorEvent } from '../state/index.js';
import type { ChannelRecord, Incident, MaintenanceRecord, OutboxItem, Store } from '../store/index.js';
import { Holds } from './holds.js';
import type { MonitorSpec } from './monitor-spec.js';
import type { Runtime } from './monitor-view.js';
import type { Monitors, Routed } from './monitors.js';

type AlertingConfig = Pick<Config, 'channels' | 'routes' | 'maintenance' | 'alerting'>;

export interface ChannelListing {
  name: string;
  type: string;
  source: 'file' | 'api';
  config: Record<string, unknown>;
}

export type ResolvedChannel =
  | { notifier: AnyNotifier; config: Record<string, unknown>; templates?: Templates | undefined }
  | { error: string };

const DAY = 86_400_000;

const EMPTY: AlertingConfig = {
  channels: {},
  routes: [],
  maintenance: [],
  alerting: { remindAfterMin: 60, maxReminders: 5 },
};

/**
 * The alerting rules in force: channels (from mcpwatch.yaml, and created through the API), routes,
 * maintenance windows. It decides which channels an event goes to while the event is being written (so the
 * outbox rows are in the same transaction), and rebuilds the message of an outbox row when it is sent.
 */
export class Alerting {
  private config: AlertingConfig = EMPTY;
  private apiChannels = new Map<string, ChannelRecord>();
  /** Windows created through the API, then the file's and those together: `maintenance()` runs on every event. */
  private apiMaintenance: (Maintenance & { id: number })[] = [];
  private allMaintenance: readonly Maintenance[] = [];
  /** Alerts held for maintenance or a parent down, and their release. */
  readonly holds: Holds;

  constructor(
    private readonly store: Store,
    private readonly monitors: () => Monitors,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly log: Logger,
  ) {
    this.holds = new Holds(store, monitors, (monitor, at) => this.maintenance(monitor, at), log);
  }

  /** The rules of a newly loaded mcpwatch.yaml. */
  update(config: AlertingConfig): void {
    this.config = config;
    this.allMaintenance = [...config.maintenance, ...this.apiMaintenance];
  }

  /** Channels created through the API are read again after each change to them. */
  async refreshApiChannels(): Promise<void> {
    this.apiChannels = new Map((await this.store.listChannels()).map((c) => [c.name, c]));
  }

  /** Maintenance windows created through the API, read again after each change to them. */
  async refreshApiMaintenance(): Promise<void> {
    this.apiMaintenance = (await this.store.listMaintenance()).flatMap((record) => this.windowOf(record));
    this.allMaintenance = [...this.config.maintenance, ...this.apiMaintenance];
  }

  private windowOf(record: MaintenanceRecord): (Maintenance & { id: number })[] {
    const parsed = maintenanceSchema.safeParse(record.config);
    if (parsed.success) return [{ ...parsed.data, id: record.id }];
    this.log.warn(`Maintenance window ${record.id} ("${record.name}") no longer validates and is ignored`);
    return [];
  }

  /** Every maintenance window: the file's, then those created through the API (with their id). */
  listMaintenance(): { file: readonly Maintenance[]; api: readonly (Maintenance & { id: number })[] } {
    return { file: this.config.maintenance, api: this.apiMaintenance };
  }

  listChannels(): ChannelListing[] {
    const fromFile = Object.entries(this.config.channels).map(([name, c]) => {
      const { type, ...config } = c as ChannelConfig & Record<string, unknown>;
      return { name, type: String(type), source: 'file' as const, config };
    });
    const fromApi = [...this.apiChannels.values()]
      .filter((c) => !(c.name in this.config.channels))
      .map((c) => ({ name: c.name, type: c.type, source: 'api' as const, config: c.config }));
    return [...fromFile, ...fromApi];
  }

  /**
   * A channel ready to send: its provider and validated settings, `${NAME}` resolved from the environment
   * (file channels were resolved when the file was loaded). A channel that cannot be used says why.
   */
  resolveChannel(name: string): ResolvedChannel {
    const fromFile = this.config.channels[name] as (ChannelConfig & Record<string, unknown>) | undefined;
    const record = fromFile ? undefined : this.apiChannels.get(name);
    const type = fromFile?.type ?? record?.type;
    if (type === undefined)
      return { error: `No channel named "${name}": define it in mcpwatch.yaml or through the API` };
    const notifier = (PROVIDERS as Record<string, AnyNotifier>)[String(type)];
    if (!notifier) return { error: `Channel "${name}" has the unknown type "${type}"` };
    try {
      const raw = fromFile ?? substituteDeep(record?.config, { env: this.env }, `channel "${name}"`);
      const { type: _, templates, ...settings } = raw as Record<string, unknown> & { templates?: Templates };
      return { notifier, config: notifier.config.parse(settings) as Record<string, unknown>, templates };
    } catch (error) {
      return { error: `Channel "${name}" cannot be used: ${(error as Error).message}` };
    }
  }

  isChannel(name: string): boolean {
    return name in this.config.channels || this.apiChannels.has(name);
  }

  /**
   * Names in the rules that point at nothing, each with what to do: said when a config is applied, rather
   * than discovered when an outage is not announced.
   */
  danglingReferences(specs: readonly MonitorSpec[], isMonitor: (name: string) => boolean): string[] {
    const problems: string[] = [];
    const routed = new Set([
      ...this.config.routes.flatMap((r) => r.channels),
      ...specs.flatMap((s) => s.notify ?? []),
    ]);
    for (const channel of routed) {
      if (!this.isChannel(channel)) {
        problems.push(
          `channel "${channel}" is named by a route or a notify list but not defined: add it under channels:`,
        );
      }
    }
    for (const spec of specs) {
      for (const parent of spec.dependsOn) {
        if (!isMonitor(parent)) {
          problems.push(
            `${spec.name}: dependsOn names "${parent}", which is not a monitor: its alerts are never held`,
          );
        }
      }
    }
    return problems;
  }

  /**
   * The channels `event` goes to, decided when it is written, and why they are held if they are: its rows
   * are then written held (visible in the deliveries) and sent later only if the outage outlives the hold.
   */
  route(spec: MonitorSpec | undefined, name: string, event: MonitorEvent): Routed {
    if (!spec) return { channels: [] };
    // A notice was asked for by someone now: it goes where they named, and is never held for maintenance.
    if (event.kind === 'notice' && event.evidence.channel !== undefined) {
      return { channels: [event.evidence.channel] };
    }
    const monitor = { name, group: spec.group ?? null, tags: spec.tags, notify: spec.notify };
    const channels = channelsFor({
      kind: event.kind,
      priority: priorityOf({ kind: event.kind, evidence: event.evidence as Record<string, unknown> }),
      monitor,
      routes: this.config.routes,
    });
    const known = channels.filter((c) => this.isChannel(c));
    if (known.length < channels.length) {
      this.log.warn(
        { monitor: name, channels: channels.filter((c) => !known.includes(c)) },
        `${name}: a route or notify list names channels that do not exist; define them in mcpwatch.yaml or through the API`,
      );
    }
    if (event.kind === 'notice') return { channels: known };
    const held = this.holds.reasonFor(spec, name, event.kind, Date.parse(event.at));
    return held === undefined ? { channels: known } : { channels: known, held };
  }

  /**
   * Writes the reminders now due for open incidents: one event each, routed like the down it repeats.
   * Counted from the events already written, so a restart neither repeats nor skips one.
   */
  async sendReminders(now: number): Promise<number> {
    const monitors = this.monitors();
    let sent = 0;
    for (const incident of await this.store.listIncidents({ open: true, limit: 1000 })) {
      const runtime = monitors.find(incident.monitorId);
      if (!runtime) continue;
      const earlier = await this.remindersSent(incident);
      const due = nextReminderAt(incident.openedAt, earlier, this.config.alerting);
      if (due === undefined || now < due) continue;
      sent += await this.remind(runtime, incident, earlier);
    }
    return sent;
  }

  private async remindersSent(incident: Incident): Promise<number> {
    const earlier = await this.store.listEvents({
      monitorId: incident.monitorId,
      kinds: ['reminder'],
      from: incident.openedAt,
      limit: 1000,
    });
    return earlier.length;
  }

  /** Writes one reminder of an open incident; 0 when the incident closed meanwhile. */
  private async remind(runtime: Runtime, incident: Incident, earlier: number): Promise<number> {
    const evidence = {
      incidentId: incident.id,
      openedAt: new Date(incident.openedAt).toISOString(),
      count: earlier + 1,
      ...(runtime.last ? { cause: runtime.last.message } : {}),
    };
    // Written at the time it is sent: a sweep's `now` only decides what is due (it may run late).
    const at = new Date().toISOString();
    const events = await this.monitors().apply(runtime, (state) =>
      state.incidentOpen ? { state, events: [{ kind: 'reminder', at, evidence }] } : undefined,
    );
    return events.length;
  }

  maintenance(
    monitor: { name: string; group: string | null; tags: readonly string[] },
    at: number,
  ): Maintenance | undefined {
    return maintenanceAt(this.allMaintenance, monitor, at);
  }

  /** The message of an outbox row, rebuilt from its event and what is known of the monitor now. */
  async notificationFor(item: OutboxItem): Promise<Notification | undefined> {
    const monitors = this.monitors();
    const runtime = monitors.find(item.event.monitorId);
    if (!runtime) return undefined;
    const spec = runtime.spec;
    const resolved = this.resolveChannel(item.channel);
    const incidents = await this.store.listIncidents({ monitorId: item.event.monitorId, limit: 5 });
    const incident = incidents.find(
      (i) => i.openedAt <= item.event.at && (i.resolvedAt === null || item.event.at <= i.resolvedAt),
    );
    const dependents = monitors.dependentsOf(runtime.monitor.name);
    const dependentsDown =
      item.event.kind === 'down' || item.event.kind === 'reminder'
        ? dependents.filter((r) => r.status === 'down').map((r) => r.monitor.name)
        : [];
    // From the record, not from the holds in memory: a dependent that came back before this message was
    // built has already dropped its hold, but its alerts were held all the same.
    const dependentsHeld =
      item.event.kind === 'recovered' && dependents.length > 0
        ? await this.heldAmong(dependents, item.event)
        : [];
    const alarming = ['down', 'degraded', 'reminder'].includes(item.event.kind);
    const usual = alarming
      ? await this.store.uptime(item.event.monitorId, { from: item.event.at - DAY, to: item.event.at })
      : undefined;
    return buildNotification(
      item.event,
      {
        id: runtime.monitor.id,
        name: runtime.monitor.name,
        group: spec?.group ?? null,
        tags: spec?.tags ?? [],
        target: runtime.monitor.target,
        alertMessage: spec?.alertMessage,
        recoveryMessage: spec?.recoveryMessage,
        templates: spec?.templates,
      },
      {
        baseUrl: this.config.alerting.baseUrl,
        channelTemplates: 'templates' in resolved ? resolved.templates : undefined,
        dependentsDown,
        dependentsHeld,
        incidentId: incident?.id ?? null,
        heldReason: item.heldReason,
        ...(alarming ? { tools: await this.lastTools(item.event.monitorId) } : {}),
        latencyMs: alarming ? (runtime.last?.durationMs ?? null) : null,
        usualLatencyMs: usual?.latency.p50Ms ?? null,
      },
    );
  }

  /** Which of `dependents` had alerts held while the monitor was unhealthy, up to `event` (its recovery). */
  private async heldAmong(dependents: Runtime[], event: OutboxItem['event']): Promise<string[]> {
    const since = Date.parse(String(event.evidence.unhealthySince));
    const held = new Set(
      await this.store.listHeldMonitors(
        dependents.map((r) => r.monitor.id),
        { from: Number.isFinite(since) ? since : event.at, to: event.at },
      ),
    );
    return dependents.filter((r) => held.has(r.monitor.id)).map((r) => r.monitor.name);
  }

  /** The names of the tools a monitor's server exported at its last check that listed them. */
  private async lastTools(monitorId: number): Promise<string[] | undefined> {
    const hash = (await this.store.getState(monitorId))?.data.toolsHash;
    if (typeof hash !== 'string') return undefined;
    const tools = (await this.store.getToolSnapshot(hash)) as { name: string }[] | undefined;
    return tools?.map((t) => t.name);
  }
}
