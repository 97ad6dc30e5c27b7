import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import { backoffMs, type OutboxItem, type Store } from '../store/index.js';
import type { AnyNotifier, Delivery, Notification } from './notifier.js';

/** A channel ready to send through: its provider and its config, `${NAME}` references resolved. */
export interface ResolvedChannel {
  notifier: AnyNotifier;
  config: unknown;
}

export interface DispatcherDeps {
  store: Store;
  log: Logger;
  /** A channel by name, or why it cannot be used (unknown, a missing variable, an invalid config). */
  resolveChannel(name: string): ResolvedChannel | { error: string };
  /** The message an outbox row announces; undefined when there is nothing to announce any more. */
  notificationFor(item: OutboxItem): Promise<Notification | undefined>;
  now?: () => number;
  /** Names this dispatcher's claims; unique per instance by default, so a restart never owns old claims. */
  workerId?: string;
  /** A claim older than this is taken as abandoned (a crashed process) and handed out again. */
  leaseMs?: number;
  /** One send's budget. */
  sendTimeoutMs?: number;
  /** Retryable failures before a row is given up on. */
  maxAttempts?: number;
  /** The safety-net poll, for retries coming due and rows written by other processes. */
  pollMs?: number;
  /** Channels sending at once. */
  concurrency?: number;
}

/** After `stop` aborts the sends still running, how long it waits for providers that ignore the signal. */
const ABORT_WAIT_MS = 1000;

/**
 * Delivers the outbox. Rows are claimed by conditional update (store.claimOutbox), which hands out only the
 * earliest undelivered row of each channel: each channel is a lane, sequential and in order, and lanes run in
 * parallel up to `concurrency`, so one slow or failing channel delays only itself. `wake()` claims at once, so
 * a new event is on its way within milliseconds; the poll only catches retries and other processes' rows.
 *
 * Exactly once, as far as it can be: a row is marked sent right after the provider accepts it. A process killed
 * between the provider's answer and that write leaves the row claimed; when the lease runs out another worker
 * sends it again. The same holds for a send `stop` had to abort, whose outcome is unknown. Providers that
 * deduplicate by the notification's `dedupKey` (PagerDuty, Opsgenie, Alertmanager) absorb that second copy;
 * others may show it twice. Nothing is ever lost: a row is only settled after its provider answered.
 */
export class Dispatcher {
  private readonly store: Store;
  private readonly log: Logger;
  private readonly now: () => number;
  readonly workerId: string;
  private readonly leaseMs: number;
  private readonly sendTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly pollMs: number;
  private readonly concurrency: number;
  /** Per channel: rows waiting their turn; the lane's runner is in `running`. */
  private readonly lanes = new Map<string, OutboxItem[]>();
  private readonly running = new Set<Promise<void>>();
  /** Ids of the rows this dispatcher holds, from claim until settled or given back. */
  private readonly held = new Set<number>();
  private readonly aborter = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private pumping = false;
  private again = false;
  private stopped = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly deps: DispatcherDeps) {
    this.store = deps.store;
    this.log = deps.log;
    this.now = deps.now ?? Date.now;
    this.workerId = deps.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.sendTimeoutMs = deps.sendTimeoutMs ?? 10_000;
    // Well past a send's budget, so a live worker's claim is never taken from it mid-send.
    this.leaseMs = deps.leaseMs ?? Math.max(60_000, 3 * this.sendTimeoutMs);
    this.maxAttempts = deps.maxAttempts ?? 10;
    this.pollMs = deps.pollMs ?? 1000;
    this.concurrency = deps.concurrency ?? 16;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** New rows may be due: claim now. Cheap to call often; calls during a claim fold into one more. */
  wake(): void {
    if (this.stopped) return;
    this.again = true;
    if (!this.pumping) void this.pump();
  }

  /**
   * Claims nothing more, lets sends in flight finish for `graceMs`, then aborts them and gives their rows
   * back (their outcome is unknown: see the class note). Rows claimed but not yet started are given back
   * untried, so the next dispatcher sends them at once. Safe to call twice.
   */
  stop(graceMs = 10_000): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      clearInterval(this.timer);
      if (!(await this.settled(graceMs))) {
        this.aborter.abort(new Error('mcpwatch is stopping'));
        if (!(await this.settled(ABORT_WAIT_MS))) {
          this.log.warn('A notification send ignored the stop; its row is released when its lease runs out');
        }
      }
    })();
    return this.stopping;
  }

  /** Whether every lane and claim finished within `ms`. */
  private async settled(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while ((this.running.size > 0 || this.pumping) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.running.size === 0 && !this.pumping;
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.again && !this.stopped) {
        this.again = false;
        const room = this.concurrency - this.lanes.size;
        // A lane that finishes wakes the pump again.
        if (room <= 0) break;
        let items: OutboxItem[];
        try {
          items = await this.store.claimOutbox(this.workerId, this.now(), {
            limit: room,
            leaseMs: this.leaseMs,
          });
        } catch (error) {
          // The store may be briefly unavailable; the next poll tries again.
          this.log.error({ err: error }, `Notifications could not be claimed: ${(error as Error).message}`);
          break;
        }
        if (this.stopped) {
          await this.release(items.map((i) => i.id));
          break;
        }
        for (const item of items) this.enqueue(item);
        if (items.length === room) this.again = true;
      }
    } finally {
      this.pumping = false;
    }
  }

  private enqueue(item: OutboxItem): void {
    // A send that outlives its lease is handed back to this same worker by the next claim: it is not sent twice.
    if (this.held.has(item.id)) return;
    this.held.add(item.id);
    const queue = this.lanes.get(item.channel);
    if (queue) {
      queue.push(item);
      return;
    }
    const lane = [item];
    this.lanes.set(item.channel, lane);
    const runner = this.runLane(item.channel, lane).finally(() => {
      this.running.delete(runner);
      this.lanes.delete(item.channel);
      this.wake();
    });
    this.running.add(runner);
  }

  private async runLane(channel: string, queue: OutboxItem[]): Promise<void> {
    for (let item = queue.shift(); item; item = queue.shift()) {
      // A lane's first row starts as soon as it is claimed; rows after it wait, and a stop gives them back.
      if (this.stopped) {
        const rest = [item, ...queue.splice(0)];
        await this.release(rest.map((i) => i.id));
        for (const i of rest) this.held.delete(i.id);
        return;
      }
      try {
        await this.deliver(item);
      } catch (error) {
        // Only the store can throw here; the row stays claimed and is retried when its lease runs out.
        this.log.error(
          { err: error, channel, delivery: item.id },
          `A notification's outcome could not be recorded: ${(error as Error).message}`,
        );
      } finally {
        this.held.delete(item.id);
      }
    }
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const resolved = this.deps.resolveChannel(item.channel);
    if ('error' in resolved) {
      await this.fail(item, { ok: false, permanent: true, error: resolved.error });
      return;
    }
    let notification: Notification | undefined;
    try {
      notification = await this.deps.notificationFor(item);
    } catch (error) {
      await this.fail(item, {
        ok: false,
        permanent: false,
        error: `the message could not be built: ${(error as Error).message}`,
      });
      return;
    }
    if (!notification) {
      await this.fail(item, {
        ok: false,
        permanent: true,
        error: 'nothing to send: the event no longer announces anything (its monitor may have been deleted)',
      });
      return;
    }
    const delivery = await this.send(resolved, notification);
    if (this.aborter.signal.aborted && !delivery.ok) {
      await this.release([item.id]);
      return;
    }
    if (delivery.ok) {
      const recorded = await this.store.completeOutbox(item.id, this.workerId, this.now(), {
        ...(delivery.status !== undefined ? { status: delivery.status } : {}),
        ...(delivery.response !== undefined ? { response: delivery.response } : {}),
      });
      if (!recorded) {
        this.log.warn(
          { channel: item.channel, delivery: item.id },
          'A notification was sent after its claim had expired; another worker may send it again',
        );
      }
      return;
    }
    await this.fail(item, delivery);
  }

  /** Render and send; whatever a provider throws becomes a failed delivery, never the dispatcher's problem. */
  private async send(channel: ResolvedChannel, notification: Notification): Promise<Delivery> {
    let request: unknown;
    try {
      request = channel.notifier.render(notification, channel.config);
    } catch (error) {
      return {
        ok: false,
        permanent: true,
        error: `the ${channel.notifier.type} provider could not render the message: ${(error as Error).message}`,
      };
    }
    const signal = AbortSignal.any([AbortSignal.timeout(this.sendTimeoutMs), this.aborter.signal]);
    try {
      return await channel.notifier.send(request, channel.config, signal);
    } catch (error) {
      return {
        ok: false,
        permanent: false,
        error: `the ${channel.notifier.type} provider failed: ${(error as Error).message}`,
      };
    }
  }

  private async fail(item: OutboxItem, delivery: Extract<Delivery, { ok: false }>): Promise<void> {
    const now = this.now();
    const attempts = item.attempts + 1;
    // The provider's Retry-After is a floor; the backoff keeps a provider that says "0" from being hammered.
    const nextAttemptAt = now + Math.max(backoffMs(attempts), delivery.retryAfterMs ?? 0);
    await this.store.failOutbox(item.id, this.workerId, now, delivery.error, {
      permanent: delivery.permanent,
      nextAttemptAt,
      maxAttempts: this.maxAttempts,
      ...(delivery.status !== undefined ? { status: delivery.status } : {}),
    });
    const context = { channel: item.channel, delivery: item.id, attempts, eventId: item.event.id };
    if (delivery.permanent || attempts >= this.maxAttempts) {
      this.log.error(context, `A notification to ${item.channel} failed for good: ${delivery.error}`);
    } else {
      this.log.warn(
        { ...context, nextAttemptAt },
        `A notification to ${item.channel} failed and will be retried: ${delivery.error}`,
      );
    }
  }

  private async release(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.store.releaseOutbox(ids, this.workerId);
    } catch (error) {
      // Their lease runs out instead.
      this.log.warn(
        { err: error },
        `Claimed notifications could not be given back: ${(error as Error).message}`,
      );
    }
  }
}
