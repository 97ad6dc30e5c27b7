// Heartbeats to mcpwatch for servers it cannot probe (stdio servers inside an IDE). mcpwatch's "activity"
// heartbeat expects silence until the first /start, then a ping within its window until /stop; so the
// first activity sends /start, a timer sends one success ping per interval from then on, and a clean
// shutdown sends /stop. Nothing here may slow down or fail a tool call: every send is fire-and-forget from
// the caller's side, bounded by a timeout, and its failure goes to onError only.

export interface HeartbeatOptions {
  /** `<base>/hb/<token>`, as mcpwatch shows it for the heartbeat monitor. */
  url: string;
  /** Time between success pings while active. Default 60 000 ms. */
  intervalMs?: number;
  /** Bound on each request, and on stop() as a whole. Default 5 000 ms. */
  timeoutMs?: number;
  /** Told about every failed send (network down, non-2xx answer); never thrown. */
  onError?: (err: Error) => void;
}

export interface Heartbeat {
  /** Never throws, never awaits the network from the caller's view; the first call sends /start. */
  activity(): void;
  /** Sends /fail (e.g. the wrapped child crashed). */
  fail(): void;
  /** Sends /stop if started; bounded by timeoutMs; idempotent. */
  stop(): Promise<void>;
}

export type HeartbeatKind = 'start' | 'success' | 'fail' | 'stop';

/** The URL for one kind of ping: the success ping is the base URL itself, the others add a path segment. */
export function heartbeatUrl(base: string, kind: HeartbeatKind): string {
  const url = new URL(base);
  url.pathname = url.pathname.replace(/\/+$/, '');
  if (kind !== 'success') url.pathname += `/${kind}`;
  return url.toString();
}

/** The longest Retry-After honoured for a /start, /fail or /stop; a longer one drops the ping. */
const MAX_RETRY_AFTER_MS = 5_000;

export function createHeartbeat(options: HeartbeatOptions): Heartbeat {
  // A bad URL is a configuration error the user must see at startup, not a silent no-op.
  heartbeatUrl(options.url, 'success');
  const intervalMs = options.intervalMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const report = (err: Error) => {
    try {
      options.onError?.(err);
    } catch {
      // A throwing onError must not turn into an unhandled rejection inside a tool call.
    }
  };

  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  // Sends run one after another, so /start always reaches mcpwatch before the pings and /stop after them.
  let queue: Promise<void> = Promise.resolve();

  async function send(kind: HeartbeatKind, budgetMs: number, retried = false): Promise<void> {
    const signal = AbortSignal.timeout(budgetMs);
    try {
      const res = await fetch(heartbeatUrl(options.url, kind), { method: 'POST', signal });
      await res.body?.cancel();
      if (res.status === 429 && kind !== 'success' && !retried) {
        // Only more than 2 pings/s for one token get here (several processes sharing it); the state
        // changing pings are worth one retry, a success ping is not: the next interval sends another.
        const waitMs = Math.max(0, Number(res.headers.get('retry-after') ?? '1') * 1000);
        if (waitMs <= Math.min(MAX_RETRY_AFTER_MS, budgetMs)) {
          await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
          return send(kind, budgetMs, true);
        }
      }
      if (!res.ok) report(new Error(`heartbeat /${kind}: mcpwatch answered HTTP ${res.status}`));
    } catch (err) {
      const why = signal.aborted ? `no answer within ${budgetMs} ms` : (err as Error).message;
      report(new Error(`heartbeat /${kind}: ${why}`, { cause: err }));
    }
  }

  function enqueue(kind: HeartbeatKind): Promise<void> {
    queue = queue.then(() => send(kind, timeoutMs));
    return queue;
  }

  return {
    activity() {
      if (started || stopped) return;
      started = true;
      void enqueue('start');
      // unref: the heartbeat never keeps a process alive that would otherwise exit.
      timer = setInterval(() => void enqueue('success'), intervalMs).unref();
    },
    fail() {
      if (stopped) return;
      void enqueue('fail');
    },
    stop() {
      if (stopping) return stopping;
      stopped = true;
      clearInterval(timer);
      if (!started) {
        stopping = Promise.resolve();
        return stopping;
      }
      // The whole stop, including sends still queued ahead of it, fits in one timeout.
      const deadline = Date.now() + timeoutMs;
      const ahead = queue;
      stopping = (async () => {
        let waitTimer: NodeJS.Timeout | undefined;
        await Promise.race([
          ahead,
          new Promise<void>((resolve) => {
            waitTimer = setTimeout(resolve, timeoutMs).unref();
          }),
        ]);
        clearTimeout(waitTimer);
        const left = deadline - Date.now();
        if (left > 0) await send('stop', left);
        else report(new Error(`heartbeat /stop: not sent, earlier pings used the ${timeoutMs} ms budget`));
      })();
      return stopping;
    },
  };
}
