import { DEFAULT_TIMEOUT_MS, type ProbeResult, probeMcp } from '@mcpwatch/probe';
import { checkBudgetMs } from '../service/checker.js';
import { specOf } from '../service/monitor-spec.js';
import { type LastCheck, type MonitorView, view } from '../service/monitor-view.js';
import { noticeEvidence } from '../service/notice.js';
import { isProbed, runProbe } from '../service/run-check.js';
import type { Store, StoredEvent } from '../store/index.js';
import { matchesFilter, monitorDetail } from './monitor-detail.js';
import { incidentView, pickMonitor, unknownIncident } from './monitor-names.js';
import {
  type CheckOutcome,
  type IncidentQuery,
  type IncidentView,
  type MonitorDetail,
  type MonitorFilter,
  type NotificationInput,
  type NotificationOutcome,
  type PauseOutcome,
  type ProbeTarget,
  type ResumeOutcome,
  type WatchApi,
  WatchError,
} from './watch-api.js';

/** A notice races the running service's own state writes; it retries on a lost race this many times. */
const WRITE_ATTEMPTS = 5;

/** What the tools that need the scheduler answer here: they are listed, so the AI learns how to get them. */
export const NEEDS_SERVICE =
  'needs a running mcpwatch: start `mcpwatch serve`, or run `mcpwatch mcp --url <its address> --token <API token>` instead of --data/--database';

/**
 * WatchApi over the store itself, for `mcpwatch mcp --data/--database` on a machine that has the database but
 * no running service (or whose service is not reachable from here). Reads come from the store; acknowledging
 * writes there; a notice is written with its outbox rows, for the running service's dispatcher (or the next
 * one) to deliver; an ad-hoc probe runs in this process. check_now, pause and resume act on the running
 * scheduler and maintenance windows it holds in memory, so they refuse with what to do instead.
 */
export class StoreWatchApi implements WatchApi {
  constructor(
    private readonly store: Store,
    /** Recorded on acknowledgements and notices: who asked, from this machine. */
    private readonly by: string,
  ) {}

  async listMonitors(filter: MonitorFilter = {}): Promise<MonitorView[]> {
    return (await this.views()).filter((m) => matchesFilter(m, filter));
  }

  async getMonitor(name: string, options: { recentEvents?: number } = {}): Promise<MonitorDetail> {
    return monitorDetail(this.store, await this.named(name), options);
  }

  async listIncidents(query: IncidentQuery = {}): Promise<IncidentView[]> {
    const monitors = await this.store.listMonitors();
    const monitorId = query.monitor === undefined ? undefined : pickMonitor(monitors, query.monitor).id;
    const incidents = await this.store.listIncidents({
      ...(monitorId !== undefined ? { monitorId } : {}),
      ...(query.open !== undefined ? { open: query.open } : {}),
      limit: query.limit ?? 100,
    });
    return incidents.map((i) => incidentView(i, monitors));
  }

  async getIncident(id: number): Promise<{ incident: IncidentView; timeline: StoredEvent[] }> {
    const incident = await this.store.getIncident(id);
    if (!incident) throw unknownIncident(id);
    const timeline = await this.store.listEvents({
      monitorId: incident.monitorId,
      from: incident.openedAt,
      to: (incident.resolvedAt ?? Date.now()) + 1,
      limit: 1000,
    });
    return {
      incident: incidentView(incident, await this.store.listMonitors()),
      timeline: timeline.reverse(),
    };
  }

  /** Runs here, as the service would run it: a monitor as defined, or an http(s) MCP URL, never a command. */
  async probe(target: ProbeTarget): Promise<ProbeResult> {
    if ('monitor' in target) {
      const stored = pickMonitor(await this.store.listMonitors(), target.monitor);
      const parsed = specOf(stored);
      if ('error' in parsed)
        throw new WatchError('invalid', `"${stored.name}" cannot be probed: ${parsed.error}`);
      if (!isProbed(parsed.spec)) {
        throw new WatchError(
          'invalid',
          `"${stored.name}" is a heartbeat monitor: it is checked by its pings, there is nothing to probe`,
        );
      }
      return runProbe(parsed.spec, AbortSignal.timeout(checkBudgetMs(parsed.spec)));
    }
    let url: URL;
    try {
      url = new URL(target.url);
    } catch {
      throw new WatchError('invalid', `"${target.url}" is not a URL: give one like https://example.com/mcp`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new WatchError(
        'invalid',
        `Only http:// and https:// URLs can be probed on request (got ${url.protocol}); a stdio server is probed as a configured monitor`,
      );
    }
    return probeMcp(
      url.href,
      { headers: target.headers ?? {} },
      AbortSignal.timeout(DEFAULT_TIMEOUT_MS + 15_000),
    );
  }

  async checkNow(name: string): Promise<CheckOutcome> {
    await this.named(name);
    throw new WatchError('unavailable', `Checking "${name}" now ${NEEDS_SERVICE}.`);
  }

  async acknowledgeIncident(id: number): Promise<IncidentView> {
    if (!(await this.store.acknowledgeIncident(id, this.by, Date.now()))) throw unknownIncident(id);
    const incident = await this.store.getIncident(id);
    if (!incident) throw unknownIncident(id);
    return incidentView(incident, await this.store.listMonitors());
  }

  async pauseMonitor(name: string): Promise<PauseOutcome> {
    await this.named(name);
    throw new WatchError('unavailable', `Pausing "${name}" ${NEEDS_SERVICE}.`);
  }

  async resumeMonitor(name: string): Promise<ResumeOutcome> {
    await this.named(name);
    throw new WatchError('unavailable', `Resuming "${name}" ${NEEDS_SERVICE}.`);
  }

  /**
   * The same `notice` event the service writes (service/notice.ts), with one outbox row per channel in the
   * same transaction; the dispatcher of the service that runs on this store delivers it. The routes of
   * mcpwatch.yaml are not read here: a named channel must be one the store knows (created through the API,
   * or on the monitor's notify list); without one, the monitor's notify list is used.
   */
  async sendNotification(input: NotificationInput): Promise<NotificationOutcome> {
    const stored = pickMonitor(await this.store.listMonitors(), input.monitor);
    const parsed = specOf(stored);
    const notify = 'spec' in parsed ? (parsed.spec.notify ?? []) : [];
    const known = new Set([...notify, ...(await this.store.listChannels()).map((c) => c.name)]);
    let channels: string[];
    if (input.channel !== undefined) {
      if (!known.has(input.channel)) {
        const names = [...known].map((c) => `"${c}"`);
        throw new WatchError(
          'invalid',
          `No channel named "${input.channel}" is known to this store${names.length > 0 ? `: use one of ${names.join(', ')}` : ''}. Channels of mcpwatch.yaml and its routes are known to the running service: use \`mcpwatch mcp --url\` to reach them.`,
        );
      }
      channels = [input.channel];
    } else {
      channels = notify;
    }
    const { monitor: _, ...request } = input;
    const evidence = noticeEvidence({ ...request, by: this.by });
    const id = evidence.id;
    const event = { kind: 'notice', at: Date.now(), evidence, channels };
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const state = await this.store.getState(stored.id);
      // The state is written back unchanged: the write is conditioned on its version, so a check the service
      // records meanwhile is not lost (this loses and retries instead).
      const next = state
        ? { status: state.status, since: state.since, lastCheckAt: state.lastCheckAt, data: state.data }
        : { status: 'pending' as const, since: stored.createdAt, lastCheckAt: null, data: {} };
      if (await this.store.setState(stored.id, state?.version ?? 0, next, [event])) {
        const written = await this.store.listEvents({ monitorId: stored.id, kinds: ['notice'], limit: 50 });
        const found = written.find((e) => e.evidence.id === id);
        if (!found) throw new Error(`the notice about "${stored.name}" was not written`);
        return { eventId: found.id, channels };
      }
    }
    throw new WatchError(
      'conflict',
      `"${stored.name}" changed state ${WRITE_ATTEMPTS} times while the notice was being written: try again.`,
    );
  }

  private async named(name: string): Promise<MonitorView> {
    const views = await this.views();
    return pickMonitor(views, name);
  }

  /** Each monitor as the service shows it, from the stored state and last result (no maintenance: see docs). */
  private async views(): Promise<MonitorView[]> {
    const monitors = await this.store.listMonitors();
    const now = Date.now();
    return Promise.all(
      monitors.map(async (monitor) => {
        const [state, [last]] = await Promise.all([
          this.store.getState(monitor.id),
          this.store.listResults(monitor.id, { from: 0, to: now + 1 }, 1),
        ]);
        const parsed = specOf(monitor);
        const lastCheck: LastCheck | undefined = last && {
          at: last.at,
          status: last.status,
          reason: last.reason,
          message: last.message ?? '',
          durationMs: last.durationMs,
        };
        return view({
          monitor,
          spec: 'spec' in parsed ? parsed.spec : undefined,
          ...('error' in parsed ? { invalid: parsed.error } : {}),
          status: state?.status ?? 'pending',
          since: state?.since ?? monitor.createdAt,
          incidentOpen: state?.data.incidentOpen === true,
          flapping: state?.data.flapping !== undefined,
          ...(lastCheck ? { last: lastCheck } : {}),
        });
      }),
    );
  }
}
