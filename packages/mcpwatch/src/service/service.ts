import type { Logger } from 'pino';
import type { ConfigError } from '../config/config-error.js';
import type { Config } from '../config/config-schema.js';
import type { ConfigWatcher } from '../config/watch-config.js';
import { Dispatcher } from '../notify/dispatcher.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { statusPageWarnings } from '../status/page-warnings.js';
import type { RetentionOptions, Store } from '../store/index.js';
import { Alerting } from './alerting.js';
import type { CheckRunner } from './check-runner.js';
import { Heartbeats } from './heartbeats.js';
import { LiveBus } from './live-bus.js';
import { Monitors, type RunnerHooks, type SyncReport } from './monitors.js';
import { Readiness, type ReadinessReport } from './readiness.js';
import type { ProbeSpec } from './run-check.js';
import { runnerFor } from './runners.js';

export interface ServiceOptions {
  store: Store;
  log: Logger;
  /**
   * mcpwatch.yaml, loaded (a first load that fails throws before anything else is opened) and watched; its
   * monitors are applied at start and on every good reload. Without one, monitors come from the API only.
   */
  config?: ConfigWatcher;
  /** Where `${NAME}` in channels created through the API is looked up when they are used. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Checks running at once across all monitors. */
  concurrency?: number;
  /** How each probed monitor is checked; by default as its definition says (cold, or kept alive). */
  runnerFor?: (spec: ProbeSpec, hooks: RunnerHooks) => CheckRunner;
  heartbeatSweepMs?: number;
  retention?: RetentionOptions;
  now?: () => number;
}

export interface ConfigStatus {
  file: string | null;
  /** When the config in force was loaded (epoch ms). */
  loadedAt: number | null;
  /** The last reload's problem, while the previous good config stays in force. */
  error: string | null;
}

const HOUR = 3_600_000;
const REMINDER_SWEEP_MS = 30_000;
/** Held alerts whose reason passed go out within a second of the check that shows it. */
const RELEASE_SWEEP_MS = 1000;
const PRUNE_AFTER_START_MS = 60_000;

/**
 * mcpwatch running: the monitors and their schedule, heartbeats and their deadlines, the config file,
 * and retention. Everything that answers requests (the API, the dashboard, the exporter) reads from here;
 * nothing here knows HTTP.
 */
export class Service {
  readonly bus = new LiveBus();
  readonly scheduler: Scheduler;
  readonly monitors: Monitors;
  readonly heartbeats: Heartbeats;
  readonly alerting: Alerting;
  readonly dispatcher: Dispatcher;
  readonly startedAt: number;
  readonly config: ConfigStatus = { file: null, loadedAt: null, error: null };
  /** The status pages of mcpwatch.yaml (those created through the API are in the store). */
  fileStatusPages: Config['statusPages'] = [];
  private watcher: ConfigWatcher | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private lastSweepAt = 0;
  private stopping: Promise<void> | undefined;
  private readonly ready: Readiness;

  private constructor(private readonly options: ServiceOptions) {
    const now = options.now ?? Date.now;
    this.startedAt = now();
    this.scheduler = new Scheduler({
      concurrency: options.concurrency ?? 256,
      onOverrun: (id, skipped) =>
        options.log.warn(
          { monitorId: Number(id), skipped },
          `A check outlived its interval; ${skipped} run(s) skipped, not stacked`,
        ),
    });
    this.alerting = new Alerting(options.store, () => this.monitors, options.env ?? {}, options.log);
    this.monitors = new Monitors({
      store: options.store,
      scheduler: this.scheduler,
      bus: this.bus,
      log: options.log,
      runnerFor: options.runnerFor ?? runnerFor,
      route: (spec, name, event) => this.alerting.route(spec, name, event),
      maintenanceOf: (spec, name) =>
        spec &&
        this.alerting.maintenance({ name, group: spec.group ?? null, tags: spec.tags }, Date.now())?.name,
      now,
    });
    this.heartbeats = new Heartbeats(options.store, this.monitors, options.log, now);
    this.dispatcher = new Dispatcher({
      store: options.store,
      log: options.log,
      resolveChannel: (name) => this.alerting.resolveChannel(name),
      notificationFor: (item) => this.alerting.notificationFor(item),
      now,
    });
    this.ready = new Readiness({
      store: options.store,
      behindMs: () => this.scheduler.behindMs(),
      stopping: () => this.stopping !== undefined,
      lastSweepAt: () => this.lastSweepAt,
      sweepMs: options.heartbeatSweepMs ?? 2000,
      startedAt: this.startedAt,
      configError: () => this.config.error,
      now,
    });
    this.bus.on('event', ({ monitorId, name, event }) => {
      this.alerting.holds.written(monitorId, name, event);
      // An event written with channels is sent within milliseconds, not on the next poll.
      this.dispatcher.wake();
    });
  }

  /**
   * Loads what the store holds, applies the config file (a broken first file throws its ConfigError: there
   * is no good config to keep), and starts checking.
   */
  static async start(options: ServiceOptions): Promise<Service> {
    const service = new Service(options);
    await service.alerting.refreshApiChannels();
    await service.alerting.refreshApiMaintenance();
    await service.monitors.load();
    await service.alerting.holds.load();
    // One process delivers from a SQLite file: a claim left by a crash is its own, and is retried at once
    // rather than when its lease runs out. Several processes may share PostgreSQL: there the lease decides.
    if (options.store.dialect === 'sqlite') await options.store.releaseAllClaims();
    service.dispatcher.start();
    if (options.config !== undefined) await service.watch(options.config);
    service.every(options.heartbeatSweepMs ?? 2000, () => service.sweepHeartbeats());
    service.every(HOUR, () => service.prune());
    service.every(REMINDER_SWEEP_MS, () => service.remind());
    service.every(RELEASE_SWEEP_MS, () => service.releaseHeld());
    // Also soon after start: a service restarted more often than hourly must still prune.
    const first = setTimeout(() => void service.prune(), PRUNE_AFTER_START_MS);
    first.unref();
    service.timers.push(first);
    return service;
  }

  get store(): Store {
    return this.options.store;
  }

  /** The config file in force (the newest edit that validated); undefined when the service runs without one. */
  get configInForce(): Config | undefined {
    return this.watcher?.config;
  }

  /** For /ready and /metrics: whether each part that must work for mcpwatch to be doing its job works. */
  readiness(): Promise<ReadinessReport> {
    return this.ready.check();
  }

  /**
   * Stops scheduling, gives running checks `graceMs` to finish (then aborts them), stops kept-alive servers
   * and closes the store. Safe to call twice.
   */
  stop(graceMs = 10_000): Promise<void> {
    this.stopping ??= (async () => {
      for (const timer of this.timers) clearTimeout(timer);
      this.watcher?.close();
      await this.monitors.close(graceMs);
      await this.dispatcher.stop(graceMs);
      await this.options.store.close();
    })();
    return this.stopping;
  }

  private async watch(watcher: ConfigWatcher): Promise<void> {
    const { log } = this.options;
    this.watcher = watcher;
    this.config.file = watcher.file;
    await this.applyConfig(this.watcher.config);
    this.watcher.on('reload', (config) => {
      void this.applyConfig(config).catch((error: Error) =>
        log.error({ err: error }, `The new config could not be applied: ${error.message}`),
      );
    });
    this.watcher.on('invalid', (error: ConfigError) => {
      this.config.error = error.message;
      log.error(`${error.message}\nThe last good config stays in force.`);
    });
  }

  private async applyConfig(config: Config): Promise<SyncReport> {
    // Rules first: events of the monitors this config adds are routed by this config's channels.
    this.alerting.update(config);
    this.fileStatusPages = config.statusPages;
    const report = await this.monitors.syncFile(config.monitors);
    this.config.loadedAt = (this.options.now ?? Date.now)();
    this.config.error = null;
    const { log } = this.options;
    const changes = report.added.length + report.changed.length + report.removed.length;
    if (changes > 0) {
      log.info(
        { added: report.added, changed: report.changed, removed: report.removed },
        `Config applied: ${report.added.length} added, ${report.changed.length} changed, ${report.removed.length} removed`,
      );
    }
    for (const name of report.conflicts) {
      log.warn(
        `mcpwatch.yaml names "${name}", but a monitor created through the API has that name: rename one of them`,
      );
    }
    for (const problem of this.alerting.danglingReferences(
      config.monitors,
      (n) => !!this.monitors.findByName(n),
    )) {
      log.warn(`mcpwatch.yaml: ${problem}`);
    }
    const isGroup = (group: string) => this.monitors.list().some((m) => m.group === group);
    for (const page of config.statusPages) {
      for (const problem of statusPageWarnings(page, (n) => !!this.monitors.findByName(n), isGroup)) {
        log.warn(`mcpwatch.yaml: status page "${page.slug}": ${problem}`);
      }
    }
    return report;
  }

  private async sweepHeartbeats(): Promise<void> {
    try {
      await this.heartbeats.sweep();
      this.lastSweepAt = (this.options.now ?? Date.now)();
    } catch (error) {
      this.options.log.error(
        { err: error },
        `Heartbeat deadlines could not be checked: ${(error as Error).message}`,
      );
    }
  }

  private async releaseHeld(): Promise<void> {
    try {
      if ((await this.alerting.holds.releaseDue((this.options.now ?? Date.now)())) > 0)
        this.dispatcher.wake();
    } catch (error) {
      this.options.log.error(
        { err: error },
        `Held alerts could not be released: ${(error as Error).message}`,
      );
    }
  }

  private async remind(): Promise<void> {
    try {
      await this.alerting.sendReminders((this.options.now ?? Date.now)());
    } catch (error) {
      this.options.log.error({ err: error }, `Reminders could not be sent: ${(error as Error).message}`);
    }
  }

  private async prune(): Promise<void> {
    try {
      const report = await this.options.store.prune((this.options.now ?? Date.now)(), this.options.retention);
      this.options.log.debug({ pruned: report }, 'retention ran');
    } catch (error) {
      this.options.log.error({ err: error }, `Retention failed: ${(error as Error).message}`);
    }
  }

  /** A repeating task that never overlaps itself and never keeps the process alive on its own. */
  private every(ms: number, task: () => Promise<void>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running || this.stopping) return;
      running = true;
      void task().finally(() => {
        running = false;
      });
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
