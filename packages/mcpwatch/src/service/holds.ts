import type { Logger } from 'pino';
import type { Maintenance } from '../config/alerting-schema.js';
import type { Scoped } from '../notify/maintenance.js';
import { HELD_WHILE_PARENT_DOWN } from '../notify/routing.js';
import type { MonitorEvent } from '../state/index.js';
import { OPENING_KINDS, type Store } from '../store/index.js';
import { intervalMsOf, type MonitorSpec } from './monitor-spec.js';
import type { Monitors, Routed } from './monitors.js';
import { isProbed } from './run-check.js';

/** How much longer than one interval a lifted hold waits for the monitor's own next check. */
const RELEASE_MARGIN_MS = 5_000;
/** Events that begin an unhealthy spell, and those that end one. */
const OPENING = new Set<string>(OPENING_KINDS);
const RESOLVING = new Set(['recovered', 'flapping_stopped', 'incident_resolved']);

/** A held spell: the monitor, why, since when, and when its reason passed. */
interface Hold {
  monitorId: number;
  reason: string;
  since: number;
  /** Held only until a parent is checked; released as soon as it was, found up. */
  confirming: boolean;
  liftedAt?: number;
}

/**
 * Alerts held back: during a maintenance window, while a monitor depended on is down, and while such a
 * parent is being checked. A held event's outbox rows are written held (the store keeps the record); this
 * decides the hold when an event is routed, remembers held spells, and releases the latest held alert of a
 * spell that outlives its hold.
 */
export class Holds {
  /**
   * Monitors whose current unhealthy spell is held, by name. The held rows in the store are the record
   * (`load` rebuilds this after a restart); this is what the per-second release looks at.
   */
  private readonly held = new Map<string, Hold>();

  constructor(
    private readonly store: Store,
    private readonly monitors: () => Monitors,
    private readonly maintenanceAt: (monitor: Scoped, at: number) => Maintenance | undefined,
    private readonly log: Logger,
  ) {}

  /** Whether a monitor's current spell is held. */
  has(name: string): boolean {
    return this.held.has(name);
  }

  /**
   * Why an event of a monitor is held now, if it is. Its status alerts wait out a maintenance window, and a
   * monitor it depends on being down (whose own alert lists it). An unhealthy spell starting while a parent
   * has not been checked since waits for that check: its dependents, checked in the same minute, would
   * otherwise each alert before the parent's one grouped message. A spell that was held ends as quietly.
   */
  reasonFor(spec: MonitorSpec, name: string, kind: string, at: number): string | undefined {
    if (RESOLVING.has(kind)) {
      const hold = this.held.get(name);
      return hold && `its outage was held (${hold.reason})`;
    }
    if (!HELD_WHILE_PARENT_DOWN.has(kind)) return undefined;
    const blocking = this.blockingReason(spec, name, at);
    if (blocking !== undefined || !OPENING.has(kind) || this.held.has(name)) return blocking;
    const unchecked = this.uncheckedParent(spec, at);
    return unchecked && `"${unchecked}", which it depends on, was being checked`;
  }

  /** A maintenance window over the monitor, or a parent down. */
  private blockingReason(spec: MonitorSpec, name: string, at: number): string | undefined {
    const window = this.maintenanceAt({ name, group: spec.group ?? null, tags: spec.tags }, at);
    if (window) return `maintenance window "${window.name}" was on`;
    for (const parent of spec.dependsOn) {
      const runtime = this.monitors().findByName(parent);
      // A parent whose last check failed counts too: it may not have reached consecutiveFails yet.
      if (runtime?.status === 'down' || runtime?.last?.status === 'down') {
        return `"${parent}", which it depends on, was down`;
      }
    }
    return undefined;
  }

  /** A probed parent not checked since `at`. */
  private uncheckedParent(spec: MonitorSpec, at: number): string | undefined {
    return spec.dependsOn.find((parent) => {
      const runtime = this.monitors().findByName(parent);
      return runtime?.spec !== undefined && isProbed(runtime.spec) && (runtime.last?.at ?? 0) < at;
    });
  }

  /** Called once an event is written: a held spell is remembered until it ends or is released. */
  written(monitorId: number, name: string, event: MonitorEvent & Partial<Routed>): void {
    if (RESOLVING.has(event.kind) || (OPENING.has(event.kind) && event.held === undefined)) {
      // The spell ended, or was announced: nothing of it is held any more.
      this.held.delete(name);
      return;
    }
    if (!OPENING.has(event.kind) || event.held === undefined || this.held.has(name)) return;
    const at = Date.parse(event.at);
    const spec = this.monitors().findByName(name)?.spec;
    const confirming = spec !== undefined && this.blockingReason(spec, name, at) === undefined;
    this.held.set(name, { monitorId, reason: event.held, since: at, confirming });
    if (spec && confirming) {
      // The parent is checked now rather than at its next turn, so the dependent's alert waits seconds.
      for (const parent of spec.dependsOn) {
        const runtime = this.monitors().findByName(parent);
        if (runtime && (runtime.last?.at ?? 0) < at) this.checkNow(runtime.monitor.id);
      }
    }
  }

  private checkNow(monitorId: number): void {
    this.monitors()
      .checkNow(monitorId)
      .catch((error: Error) => this.log.debug({ err: error }, 'A parent could not be checked at once'));
  }

  /** Holds kept across a restart: the held rows in the store say which spells were never announced. */
  async load(): Promise<void> {
    for (const spell of await this.store.listHeldSpells()) {
      const runtime = this.monitors().find(spell.monitorId);
      if (runtime) this.held.set(runtime.monitor.name, { ...spell, confirming: false });
    }
  }

  /**
   * Releases the holds whose reason has passed; cheap when nothing is held, so it runs every second. One held
   * while its parent was being checked goes as soon as the parent was checked and found up. One held for a
   * window or a parent down waits for a check of its own made after that (one that comes back with its
   * parent stays quiet), at most one interval. Still unhealthy then, its held alert is sent, saying why it
   * is late; healthy, nothing is said.
   */
  async releaseDue(now: number): Promise<number> {
    let released = 0;
    for (const [name, hold] of this.held) {
      const runtime = this.monitors().findByName(name);
      if (!runtime?.spec) {
        this.held.delete(name);
        continue;
      }
      const spec = runtime.spec;
      if (this.blockingReason(spec, name, now) !== undefined) {
        // Found blocked (the parent it was confirming is down): from now on an ordinary hold.
        hold.confirming = false;
        hold.liftedAt = undefined;
        continue;
      }
      hold.liftedAt ??= now;
      const probed = isProbed(spec);
      const waitMs = (probed ? intervalMsOf(spec) : 0) + RELEASE_MARGIN_MS;
      const ready = hold.confirming
        ? this.uncheckedParent(spec, hold.since) === undefined
        : !probed || (runtime.last?.at ?? 0) >= hold.liftedAt;
      if (!ready && now - hold.liftedAt < waitMs) continue;
      this.held.delete(name);
      if (runtime.status === 'down' || runtime.status === 'degraded') {
        released += await this.store.releaseHeld(hold.monitorId, hold.since, now);
      }
    }
    return released;
  }
}
