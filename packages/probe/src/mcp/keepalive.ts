import { type ProbeContext, round } from '../context.js';
import { ProbeFailure } from '../failure.js';
import { summary } from '../probes/mcp.js';
import type { Reason } from '../reasons.js';
import type { McpInfo, ProbeResult } from '../result.js';
import { runProbe } from '../run.js';
import {
  Backoff,
  type BackoffOptions,
  type Ending,
  formatDelay,
  type KeepaliveHooks,
} from './keepalive-restarts.js';
import {
  type McpOptions,
  type McpOptionsInput,
  prepareMcpOptions,
  type StdioTargetInput,
  stdioTargetSchema,
} from './options.js';
import { Session } from './session.js';
import { overStdio, StdioChannel, type StdioTarget, stdioHandshake } from './stdio.js';

/** Failures that say the child is hung or its pipes are unusable: it is stopped and restarted. */
const BROKEN = new Set<Reason | undefined>([
  'timeout',
  'invalid_json',
  'response_too_large',
  'process_exited',
]);

/**
 * A stdio MCP server kept running between checks. The first check spawns it and runs the handshake, as a
 * cold probe does; later checks reuse the child and its session: a liveness request, then the tool list
 * and the optional checks, so a tool change is still seen each interval. A child that exits or hangs is
 * ended and restarted with exponential backoff; the check that sees the end reports it.
 */
export class KeepaliveMcp {
  private readonly target: StdioTarget;
  private readonly options: McpOptions;
  private readonly label: string;
  private readonly now: () => number;
  private readonly backoff: Backoff;
  private channel: StdioChannel | undefined;
  private session: Session | undefined;
  /** What the handshake learned, carried into each later check's result. */
  private agreed: McpInfo = { transport: 'stdio' };
  /** The last end, until a restart follows it. */
  private ending: Ending | undefined;
  /** The last end happened between checks and no check has reported it yet. */
  private unreported = false;
  private queue: Promise<unknown> = Promise.resolve();
  private running: AbortController | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    target: StdioTargetInput,
    options: McpOptionsInput = {},
    private readonly hooks: KeepaliveHooks = {},
    backoff: BackoffOptions = {},
  ) {
    this.target = stdioTargetSchema.parse(target);
    this.options = prepareMcpOptions(options);
    if (this.options.transport !== 'auto' && this.options.transport !== 'stdio') {
      throw new TypeError(
        `transport "${this.options.transport}" needs a URL: a kept-alive server is a command`,
      );
    }
    this.label = [this.target.command, ...(this.target.args ?? [])].join(' ');
    this.now = hooks.now ?? Date.now;
    this.backoff = new Backoff(backoff);
  }

  /** The running child's process id, if one runs. */
  get pid(): number | undefined {
    return this.channel?.pid;
  }

  /**
   * Checks the server once, within the timeout options and the signal. Calls run one after another: a
   * second call while one runs waits for it.
   */
  check(signal?: AbortSignal): Promise<ProbeResult> {
    const run = this.queue.then(() => this.checkNow(signal));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Ends the child (stdin closed, SIGTERM, then SIGKILL to its process group, each bounded); idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.running?.abort(new DOMException('The kept-alive server was closed', 'AbortError'));
      await this.queue;
      const channel = this.channel;
      this.channel = undefined;
      this.session = undefined;
      await channel?.close();
    })();
    return this.closing;
  }

  private async checkNow(outer: AbortSignal | undefined): Promise<ProbeResult> {
    if (this.closing)
      return this.refuse(outer, 'cancelled', 'The kept-alive server was closed: no more checks');
    if (!this.channel && this.ending) {
      const ending = this.ending;
      const wait = this.backoff.waitAt(this.now());
      if (this.unreported) {
        this.unreported = false;
        return this.refuse(
          outer,
          ending.reason,
          `${ending.message}; restarting it in ${formatDelay(wait)}`,
          ending,
        );
      }
      if (wait > 0) {
        const at = new Date(this.backoff.restartAt).toISOString();
        const message = `Restart ${this.backoff.attempt} of the server is in ${formatDelay(wait)} (at ${at}); it ended: ${ending.message}`;
        return this.refuse(outer, ending.reason, message, ending);
      }
    }
    // Its own controller, so that close() can end a check the caller did not cancel.
    const controller = new AbortController();
    const onAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) onAbort();
    else outer?.addEventListener('abort', onAbort, { once: true });
    this.running = controller;
    let used: StdioChannel | undefined;
    try {
      const result = await runProbe('mcp', this.label, this.options, controller.signal, (ctx, draft) => {
        const info: McpInfo = { transport: 'stdio' };
        draft.mcp = info;
        return this.channel && this.session
          ? this.recheck(this.channel, this.session, ctx, info, (c) => (used = c))
          : this.start(ctx, info, (c) => (used = c));
      });
      return await this.settle(result, used);
    } finally {
      outer?.removeEventListener('abort', onAbort);
      this.running = undefined;
    }
  }

  private async recheck(
    channel: StdioChannel,
    agreed: Session,
    ctx: ProbeContext,
    info: McpInfo,
    use: (channel: StdioChannel) => void,
  ): Promise<string> {
    use(channel);
    Object.assign(info, this.agreed);
    const session = agreed.resume(ctx, info);
    await overStdio(channel, ctx, info, async () => {
      await session.alive();
      await session.run(false);
    });
    return summary(info, ctx);
  }

  private async start(
    ctx: ProbeContext,
    info: McpInfo,
    use: (channel: StdioChannel) => void,
  ): Promise<string> {
    if (this.ending) {
      const { reason, exitCode, signal, stderrTail } = this.ending;
      const restart = { attempt: this.backoff.attempt, reason, exitCode, signal, stderrTail };
      this.ending = undefined;
      this.notify(() =>
        this.hooks.onRestart?.({ ...restart, at: this.now(), delayMs: this.backoff.delayMs }),
      );
    }
    const spawning = StdioChannel.spawn(this.target, this.options.maxBytes);
    spawning.catch(() => {});
    let channel: StdioChannel;
    try {
      channel = await ctx.phase('spawn', () => spawning);
    } catch (error) {
      // The deadline or a cancel can land while the OS starts the child: end it all the same.
      await spawning.then(
        (late) => late.close(),
        () => {},
      );
      throw error;
    }
    use(channel);
    this.channel = channel;
    this.backoff.interrupted();
    void channel.exited.then(() => this.exited(channel));
    const session = new Session(channel, ctx, this.options, info);
    await overStdio(channel, ctx, info, async () => {
      await stdioHandshake(session, this.options, ctx);
      this.session = session;
      this.agreed = agreedPart(info);
      await session.run();
    });
    if (channel.stderr.length) info.stderr = channel.stderr.slice(-20);
    return summary(info, ctx);
  }

  /** After a check: keep a child that answered, stop one that hung, and plan the restart of one that ended. */
  private async settle(result: ProbeResult, channel: StdioChannel | undefined): Promise<ProbeResult> {
    // The exit can be known before its watcher has run. A child the channel killed itself (a line over
    // the byte limit) ended for the check's reason, not on its own.
    const killedFor =
      result.status === 'down' && BROKEN.has(result.reason) && result.reason !== 'process_exited';
    if (channel?.exit && !killedFor) this.exited(channel);
    if (this.closing) return result;
    if (result.status !== 'down') {
      if (channel) channel.noise = { lines: 0 };
      this.backoff.good();
      return result;
    }
    this.backoff.interrupted();
    if (channel && channel === this.channel) {
      if (this.session && !BROKEN.has(result.reason)) {
        // It answered, wrongly: a server problem the next check sees again, not a reason to restart.
        channel.noise = { lines: 0 };
        return result;
      }
      this.channel = undefined;
      this.session = undefined;
      const t0 = performance.now();
      await channel.close();
      result.timings.close = round(performance.now() - t0);
      withExit(result, channel);
      // A child that died just before the check is seen first as closed pipes; its exit says more.
      if (result.reason === 'process_exited' && channel.exit) result.message = channel.exitFailure().message;
      // A cancel says nothing about the server: the next check starts a child at once.
      if (result.reason === 'cancelled') return result;
      this.end(channel, result.reason ?? 'process_exited', result.message);
    } else if (!channel && result.reason === 'spawn_failed') {
      this.end(undefined, 'spawn_failed', result.message);
    } else if (channel && this.unreported && this.ending?.pid === channel.pid) {
      this.unreported = false;
      withExit(result, channel);
    } else {
      return result;
    }
    result.message = `${result.message}; restarting it in ${formatDelay(this.backoff.delayMs)}`;
    return result;
  }

  /** The child exited while it was the current one: nobody asked it to. */
  private exited(channel: StdioChannel): void {
    if (channel !== this.channel) return;
    this.channel = undefined;
    this.session = undefined;
    this.end(channel, 'process_exited', channel.exitFailure().message);
    this.unreported = true;
  }

  private end(channel: StdioChannel | undefined, reason: Reason, message: string): void {
    const at = this.now();
    this.backoff.ended(at);
    const ending: Ending = {
      reason,
      message,
      pid: channel?.pid,
      exitCode: channel?.exit?.code ?? null,
      signal: channel?.exit?.signal ?? null,
      stderrTail: channel?.stderr.slice(-20) ?? [],
      at,
    };
    this.ending = ending;
    if (channel) {
      const info = { ...ending, attempt: this.backoff.attempt, delayMs: this.backoff.delayMs };
      this.notify(() => this.hooks.onExit?.(info));
    }
  }

  /** A result without touching any child: closed, an end to report, or a wait before the next restart. */
  private refuse(
    outer: AbortSignal | undefined,
    reason: Reason,
    message: string,
    ending?: Ending,
  ): Promise<ProbeResult> {
    return runProbe('mcp', this.label, this.options, outer, async (_ctx, draft) => {
      draft.mcp = { transport: 'stdio' };
      if (ending && ending.pid !== undefined) {
        Object.assign(draft.mcp, { exitCode: ending.exitCode, signal: ending.signal });
        if (ending.stderrTail.length) draft.mcp.stderr = ending.stderrTail;
      }
      throw new ProbeFailure(reason, message);
    });
  }

  /** A hook that throws must not leave this instance half-way through a change of state. */
  private notify(call: () => void): void {
    try {
      call();
    } catch {
      // The hook's own failure is the caller's to log; the restart plan stands.
    }
  }
}

/** The fields a handshake settles for the life of a child. */
function agreedPart(info: McpInfo): McpInfo {
  const agreed: McpInfo = { transport: 'stdio' };
  for (const key of [
    'era',
    'protocolVersion',
    'supportedVersions',
    'serverInfo',
    'capabilities',
    'instructions',
  ] as const) {
    if (info[key] !== undefined) Object.assign(agreed, { [key]: info[key] });
  }
  return agreed;
}

function withExit(result: ProbeResult, channel: StdioChannel): void {
  result.mcp ??= { transport: 'stdio' };
  const mcp = result.mcp;
  mcp.exitCode = channel.exit?.code ?? null;
  mcp.signal = channel.exit?.signal ?? null;
  if (channel.stderr.length) mcp.stderr = channel.stderr.slice(-20);
}
