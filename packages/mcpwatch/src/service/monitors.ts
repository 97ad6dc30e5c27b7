import type { ProbeResult } from '@mcpwatch/probe';
import type { Logger } from 'pino';
import type { Scheduler } from '../scheduler/scheduler.js';
import { type MonitorEvent, type MonitorState, transition } from '../state/index.js';
import { type MonitorInput, type Store, type Monitor as StoredMonitor, StoreError } from '../store/index.js';
import type { CheckRunner } from './check-runner.js';
import { Checker, checkBudgetMs } from './checker.js';
import { decideAndWrite } from './decide-and-write.js';
import type { LiveBus } from './live-bus.js';
import { intervalMsOf, type MonitorSpec, sameSpec, specOf, toStoreInput } from './monitor-spec.js';
import { type MonitorView, READ_ONLY, type Runtime, view } from './monitor-view.js';
import { nextAfterRestart } from './restart-slots.js';
import { isProbed, type ProbeSpec } from './run-check.js';
import { notFound, ServiceError } from './service-error.js';

/** Where an event's notifications go, and why they are held rather than sent, if they are. */
export interface Routed {
  channels: string[];
  held?: string;
}

export interface MonitorsOptions {
  store: Store;
  scheduler: Scheduler;
  bus: LiveBus;
  log: Logger;
  /** Makes the runner for a probed monitor: a cold probe, or a kept-alive stdio server. */
  runnerFor: (spec: ProbeSpec, hooks: RunnerHooks) => CheckRunner;
  /** The maintenance window a monitor is in at `at`, if any: for its view and its checks' results. */
  maintenanceOf?: (spec: MonitorSpec | undefined, name: string, at: number) => string | undefined;
  /**
   * The notification channels of an event, decided before it is written so its outbox rows go with it, and
   * why they are held, if they are.
   */
  route?: (spec: MonitorSpec | undefined, name: string, event: MonitorEvent) => Routed;
  now?: () => number;
}

/** What a runner reports outside a check (a kept-alive server restarting), to be written as an event. */
export interface RunnerHooks {
  event(kind: 'process_restarted', evidence: Record<string, unknown>): void;
}

export interface SyncReport {
  added: string[];
  changed: string[];
  removed: string[];
  /** Names in the file already used by a monitor created through the API: left as they are. */
  conflicts: string[];
}

/**
 * The monitors being watched: the one place that turns definitions into scheduled checks, and checks into
 * stored results, states and events. The file, the API and the command line all come through here.
 */
export class Monitors {
  private readonly runtimes = new Map<number, Runtime>();
  /** The same runtimes by name: routing looks parents up by name on every event. */
  private readonly named = new Map<string, Runtime>();
  private readonly store: Store;
  private readonly scheduler: Scheduler;
  private readonly bus: LiveBus;
  private readonly log: Logger;
  private readonly now: () => number;
  /** Definition changes run one at a time, so a reload and an API edit cannot interleave. */
  private changing: Promise<unknown> = Promise.resolve();

  private readonly checker: Checker;

  constructor(private readonly options: MonitorsOptions) {
    this.store = options.store;
    this.scheduler = options.scheduler;
    this.bus = options.bus;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.checker = new Checker({
      store: this.store,
      bus: this.bus,
      log: this.log,
      now: this.now,
      runnerFor: options.runnerFor,
      apply: (runtime, decide) => this.apply(runtime, decide),
      maintenanceOf: (runtime, at) => options.maintenanceOf?.(runtime.spec, runtime.monitor.name, at),
      isCurrent: (runtime, spec) =>
        this.runtimes.get(runtime.monitor.id) === runtime && runtime.spec === spec,
    });
  }

  /**
   * Loads every stored monitor with its state and last result, and schedules the ones that are on and not
   * paused: after a restart the API shows what was known before it, not a blank.
   */
  async load(): Promise<void> {
    const monitors = await this.store.listMonitors();
    const now = this.now();
    for (const monitor of monitors) {
      const state = await this.store.getState(monitor.id);
      const runtime = this.install(
        monitor,
        state?.status ?? 'pending',
        state?.since ?? monitor.createdAt,
        state?.data,
        // Measured when scheduled, not when loading began: a slow start must not push the slots later.
        (spec) => nextAfterRestart(monitor.key, intervalMsOf(spec), state?.lastCheckAt ?? null, this.now()),
      );
      const [last] = await this.store.listResults(monitor.id, { from: 0, to: now + 1 }, 1);
      if (last) {
        runtime.last = {
          at: last.at,
          status: last.status,
          reason: last.reason,
          message: last.message ?? '',
          durationMs: last.durationMs,
        };
      }
    }
  }

  /** Brings the monitors from mcpwatch.yaml in line with `specs`: the file is the truth for its own monitors. */
  syncFile(specs: readonly MonitorSpec[]): Promise<SyncReport> {
    return this.serially(async () => {
      const report: SyncReport = { added: [], changed: [], removed: [], conflicts: [] };
      const wanted = new Map(specs.map((s) => [s.name, s]));
      for (const runtime of [...this.runtimes.values()]) {
        if (runtime.monitor.source !== 'file') continue;
        const spec = wanted.get(runtime.monitor.name);
        if (spec === undefined) {
          await this.drop(runtime);
          report.removed.push(runtime.monitor.name);
        } else if (runtime.spec === undefined || !sameSpec(runtime.spec, spec)) {
          await this.redefine(runtime, spec);
          report.changed.push(spec.name);
        }
        wanted.delete(runtime.monitor.name);
      }
      for (const spec of wanted.values()) {
        const monitor = await this.createOrConflict(toStoreInput(spec, 'file'));
        if (!monitor) {
          report.conflicts.push(spec.name);
          continue;
        }
        this.install(monitor, 'pending', monitor.createdAt, undefined);
        report.added.push(spec.name);
      }
      this.announce(report);
      return report;
    });
  }

  list(): MonitorView[] {
    return [...this.runtimes.values()].map((r) => this.viewOf(r)).sort((a, b) => a.id - b.id);
  }

  /** When each heartbeat monitor was last pinged since this process started, by monitor id (for /metrics). */
  lastPings(): Map<number, number> {
    const pings = new Map<number, number>();
    for (const r of this.runtimes.values())
      if (r.lastPingAt !== undefined) pings.set(r.monitor.id, r.lastPingAt);
    return pings;
  }

  get(id: number): MonitorView {
    return this.viewOf(this.runtime(id));
  }

  /** The full definition, for callers allowed to see it (the API redacts secrets before answering). */
  spec(id: number): MonitorSpec | undefined {
    return this.runtime(id).spec;
  }

  byName(name: string): MonitorView | undefined {
    const runtime = this.named.get(name);
    return runtime && this.viewOf(runtime);
  }

  /** The runtime of the monitor with this name (names are unique), for collaborators in this folder. */
  findByName(name: string): Runtime | undefined {
    return this.named.get(name);
  }

  /** The monitors that declare `dependsOn: [name]`. */
  dependentsOf(name: string): Runtime[] {
    return [...this.runtimes.values()].filter((r) => r.spec?.dependsOn.includes(name));
  }

  create(spec: MonitorSpec): Promise<MonitorView> {
    return this.serially(async () => {
      const monitor = await this.createOrConflict(toStoreInput(spec, 'api'));
      if (!monitor) {
        throw new ServiceError(
          'conflict',
          `A monitor named "${spec.name}" exists already: choose another name`,
          'name',
        );
      }
      const runtime = this.install(monitor, 'pending', monitor.createdAt, undefined);
      this.bus.emit('monitors', { added: [monitor.id], changed: [], removed: [] });
      return this.viewOf(runtime);
    });
  }

  update(id: number, spec: MonitorSpec): Promise<MonitorView> {
    return this.serially(async () => {
      const runtime = this.writable(id);
      if (spec.name !== runtime.monitor.name) {
        throw new ServiceError(
          'invalid',
          `The name is the monitor's identity and cannot change (it is "${runtime.monitor.name}"): create a new monitor instead`,
          'name',
        );
      }
      await this.redefine(runtime, spec);
      this.bus.emit('monitors', { added: [], changed: [id], removed: [] });
      return this.viewOf(runtime);
    });
  }

  remove(id: number): Promise<void> {
    return this.serially(async () => {
      const runtime = this.writable(id);
      await this.drop(runtime);
      this.bus.emit('monitors', { added: [], changed: [], removed: [id] });
    });
  }

  /** Pausing is operating, not defining: allowed on monitors from the file too. */
  async pause(id: number): Promise<MonitorView> {
    const runtime = this.runtime(id);
    await this.apply(runtime, (state) => transition(state, { kind: 'pause' }, new Date(this.now())));
    this.unschedule(runtime);
    return this.viewOf(runtime);
  }

  async resume(id: number): Promise<MonitorView> {
    const runtime = this.runtime(id);
    await this.apply(runtime, (state) => transition(state, { kind: 'resume' }, new Date(this.now())));
    this.schedule(runtime);
    return this.viewOf(runtime);
  }

  /**
   * Closes the open incident of a monitor by hand. The monitor keeps its status; a later fall from up or
   * degraded to down opens a new incident. False when none was open.
   */
  async resolveIncident(id: number, by: string): Promise<boolean> {
    const runtime = this.runtime(id);
    const at = new Date(this.now()).toISOString();
    const events = await this.apply(runtime, (state) =>
      state.incidentOpen
        ? {
            state: { ...state, incidentOpen: false },
            events: [{ kind: 'incident_resolved', at, incident: 'resolved', evidence: { by } }],
          }
        : undefined,
    );
    return events.length > 0;
  }

  /** Runs a check now and answers with its result; one already running is shared, not doubled. */
  checkNow(id: number): Promise<ProbeResult> {
    const runtime = this.runtime(id);
    const spec = runtime.spec;
    if (spec === undefined || !isProbed(spec)) {
      throw new ServiceError(
        'invalid',
        spec === undefined
          ? `"${runtime.monitor.name}" cannot be checked: ${runtime.invalid}`
          : `"${runtime.monitor.name}" is a heartbeat monitor: it is checked by its pings, not by mcpwatch`,
      );
    }
    return this.checker.check(runtime, spec, AbortSignal.timeout(checkBudgetMs(spec)));
  }

  /** Writes a transition that is not a check (a pause, a missed heartbeat, a restart) and keeps the view current. */
  async apply(runtime: Runtime, decide: Parameters<typeof decideAndWrite>[3]): Promise<MonitorEvent[]> {
    const route = this.options.route;
    const routed: typeof decide = route
      ? async (state, heartbeat) => {
          const decision = await decide(state, heartbeat);
          if (!decision) return decision;
          const events = decision.events.map((e) => ({
            ...e,
            ...route(runtime.spec, runtime.monitor.name, e),
          }));
          return { ...decision, events };
        }
      : decide;
    const decided = await decideAndWrite(this.store, runtime.monitor.id, new Date(this.now()), routed);
    if (decided === undefined) return [];
    this.remember(runtime, decided.state);
    this.publishEvents(runtime, decided.events);
    return decided.events;
  }

  private viewOf(runtime: Runtime): MonitorView {
    return view(
      runtime,
      this.options.maintenanceOf?.(runtime.spec, runtime.monitor.name, this.now()) ?? null,
    );
  }

  /** The runtime of a monitor, for collaborators in this folder (heartbeats). */
  runtime(id: number): Runtime {
    const runtime = this.runtimes.get(id);
    if (!runtime) throw notFound(`Monitor ${id}`);
    return runtime;
  }

  /** The same, or undefined for a monitor removed meanwhile. */
  find(id: number): Runtime | undefined {
    return this.runtimes.get(id);
  }

  /** Stops every check and frees kept-alive servers; running checks get `graceMs` to finish. */
  async close(graceMs: number): Promise<void> {
    await this.scheduler.stop(graceMs);
    await Promise.allSettled([...this.runtimes.values()].map((r) => r.runner?.close()));
  }

  private install(
    monitor: StoredMonitor,
    status: MonitorState['status'],
    since: number,
    data: Record<string, unknown> | undefined,
    firstRunIn?: (spec: MonitorSpec) => number | undefined,
  ): Runtime {
    const parsed = specOf(monitor);
    const runtime: Runtime = {
      monitor,
      spec: 'spec' in parsed ? parsed.spec : undefined,
      status,
      since,
      incidentOpen: data?.incidentOpen === true,
      flapping: data?.flapping !== undefined,
    };
    if ('error' in parsed) {
      runtime.invalid = parsed.error;
      this.log.error({ monitor: monitor.name }, `Monitor "${monitor.name}" is not checked: ${parsed.error}`);
    }
    this.runtimes.set(monitor.id, runtime);
    this.named.set(monitor.name, runtime);
    this.schedule(runtime, runtime.spec && firstRunIn?.(runtime.spec));
    return runtime;
  }

  /** The store's unique key decides: one statement, no lookup first. Undefined when the name is taken. */
  private async createOrConflict(input: MonitorInput): Promise<StoredMonitor | undefined> {
    try {
      return await this.store.createMonitor(input, this.now());
    } catch (error) {
      if (error instanceof StoreError && error.code === 'monitor_key_taken') return undefined;
      throw error;
    }
  }

  private async redefine(runtime: Runtime, spec: MonitorSpec): Promise<void> {
    const input = toStoreInput(spec, runtime.monitor.source);
    const { key: _, source: __, ...patch } = input;
    const updated = await this.store.updateMonitor(runtime.monitor.id, patch, this.now());
    if (!updated) throw notFound(`Monitor ${runtime.monitor.id}`);
    this.unschedule(runtime);
    await runtime.runner?.close();
    runtime.runner = undefined;
    runtime.monitor = updated;
    runtime.spec = spec;
    runtime.invalid = undefined;
    this.schedule(runtime);
  }

  private async drop(runtime: Runtime): Promise<void> {
    this.unschedule(runtime);
    this.runtimes.delete(runtime.monitor.id);
    this.named.delete(runtime.monitor.name);
    await runtime.runner?.close();
    await this.store.deleteMonitor(runtime.monitor.id);
  }

  private schedule(runtime: Runtime, firstRunInMs?: number): void {
    const spec = runtime.spec;
    if (spec === undefined || !isProbed(spec) || !spec.enabled || runtime.status === 'paused') return;
    this.scheduler.add(
      {
        id: String(runtime.monitor.id),
        intervalMs: intervalMsOf(spec),
        run: async (signal) => {
          await this.checker.check(
            runtime,
            spec,
            AbortSignal.any([signal, AbortSignal.timeout(checkBudgetMs(spec))]),
          );
        },
      },
      firstRunInMs,
    );
  }

  private unschedule(runtime: Runtime): void {
    this.scheduler.remove(String(runtime.monitor.id));
  }

  private remember(runtime: Runtime, state: MonitorState): void {
    runtime.status = state.status;
    runtime.since = Date.parse(state.since);
    runtime.incidentOpen = state.incidentOpen;
    runtime.flapping = state.flapping !== undefined;
  }

  private publishEvents(runtime: Runtime, events: readonly MonitorEvent[]): void {
    for (const event of events) {
      this.bus.emit('event', { monitorId: runtime.monitor.id, name: runtime.monitor.name, event });
    }
  }

  private writable(id: number): Runtime {
    const runtime = this.runtime(id);
    if (runtime.monitor.source === 'file') {
      throw new ServiceError('read_only', `"${runtime.monitor.name}" is ${READ_ONLY}`);
    }
    return runtime;
  }

  private announce(report: SyncReport): void {
    const ids = (names: string[]) =>
      names.flatMap((n) => {
        for (const r of this.runtimes.values()) if (r.monitor.name === n) return [r.monitor.id];
        return [];
      });
    if (report.added.length + report.changed.length + report.removed.length === 0) return;
    this.bus.emit('monitors', { added: ids(report.added), changed: ids(report.changed), removed: [] });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.changing.then(work, work);
    this.changing = run.catch(() => {});
    return run;
  }
}
