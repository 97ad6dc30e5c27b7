// The connections an instrumentation is watching: which requests are in flight on each, which connections
// are sessions, and the refusal of new sessions while draining. One tracker per instrumentation, shared by
// every server it instruments (a per-request factory makes many).
import {
  beginExchange,
  type ConnectionFacts,
  type Exchange,
  type ExchangeDeps,
  finishExchange,
} from './exchange.js';
import type { Heartbeat } from './heartbeat.js';
import { type TransportLike, tapTransport } from './tap.js';
import { runIn } from './tracing.js';

/** What a tracker needs of a server to end its session: the low-level Protocol of either SDK. */
export interface Closable {
  close(): Promise<void>;
}

export interface ConnectionTracker {
  /** Starts watching one transport of `server`. */
  tap(server: Closable, transport: TransportLike): void;
  sessions(): number;
  inFlight(): number;
  /** Refuse `initialize` from now on. */
  refuseNewSessions(): void;
  readonly refusing: boolean;
  /** Resolves true when nothing is in flight, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean>;
  /** Closes every open connection's server. */
  closeAll(): Promise<void>;
}

interface Connection {
  server: Closable;
  facts: ConnectionFacts;
  pending: Map<string | number, Exchange>;
  openedAt?: number;
}

// HTTP transports answer per request (`handleRequest` in both SDKs, `handleMessage` for v2's per-request
// transport, `handlePostMessage` for v1's SSE); a long-lived channel (stdio, in-memory) has none of them.
function isHttpTransport(t: TransportLike): boolean {
  const x = t as { handleRequest?: unknown; handleMessage?: unknown; handlePostMessage?: unknown };
  return (
    typeof x.handleRequest === 'function' ||
    typeof x.handleMessage === 'function' ||
    typeof x.handlePostMessage === 'function'
  );
}

export function createConnectionTracker(
  deps: ExchangeDeps,
  heartbeat: Heartbeat | undefined,
): ConnectionTracker {
  const { metrics, logger } = deps;
  const open = new Set<Connection>();
  let inFlight = 0;
  let refusing = false;
  let whenIdle: (() => void) | undefined;

  const settle = () => {
    inFlight--;
    if (inFlight === 0) whenIdle?.();
  };

  // A session: a stdio (or in-memory) connection from its first answered request, in either era; over
  // HTTP, a legacy session (Mcp-Session-Id, SSE) from its initialize. Stateless HTTP has none to count.
  function opened(
    conn: Connection,
    transport: TransportLike,
    initialize: Record<string, unknown> | undefined,
  ) {
    if (typeof initialize?.protocolVersion === 'string')
      conn.facts.protocolVersion = initialize.protocolVersion;
    conn.facts.sessionId = transport.sessionId;
    if (conn.openedAt !== undefined) return;
    if (conn.facts.transport === 'tcp' && !transport.sessionId) return;
    conn.openedAt = performance.now();
    metrics.sessionOpened();
    logger.info('session opened', {
      session_id: conn.facts.sessionId,
      protocol_version: conn.facts.protocolVersion,
      transport: conn.facts.transport === 'pipe' ? 'stdio' : 'http',
    });
  }

  function tap(server: Closable, transport: TransportLike): void {
    const conn: Connection = {
      server,
      facts: {
        transport: isHttpTransport(transport) ? 'tcp' : 'pipe',
        sessionId: undefined,
        protocolVersion: undefined,
      },
      pending: new Map(),
    };
    const watching = tapTransport(transport, {
      request(message, deliver) {
        if (refusing && message.method === 'initialize') {
          // Stop taking sessions: answer here, so the client retries elsewhere instead of starting one.
          void transport
            .send({
              jsonrpc: '2.0',
              id: message.id,
              error: { code: -32000, message: 'Server is shutting down; try another instance' },
            })
            .catch(() => {});
          return;
        }
        conn.facts.sessionId = transport.sessionId;
        const ex = beginExchange(deps, message, conn.facts);
        conn.pending.set(message.id, ex);
        inFlight++;
        if (ex.tool !== undefined) heartbeat?.activity();
        if (ex.trace) runIn(ex.trace.context, deliver);
        else deliver();
      },
      response(message) {
        const ex = conn.pending.get(message.id);
        if (!ex) return;
        conn.pending.delete(message.id);
        settle();
        if (message.result && (ex.method === 'initialize' || conn.facts.transport === 'pipe')) {
          opened(conn, transport, ex.method === 'initialize' ? message.result : undefined);
        }
        finishExchange(deps, ex, message);
      },
      close() {
        for (const ex of conn.pending.values()) {
          settle();
          finishExchange(deps, ex, undefined);
        }
        conn.pending.clear();
        if (conn.openedAt !== undefined) {
          const seconds = (performance.now() - conn.openedAt) / 1000;
          conn.openedAt = undefined;
          metrics.sessionClosed(seconds);
          deps.tracing?.sessionEnded(seconds, conn.facts.transport, conn.facts.protocolVersion);
          logger.info('session closed', {
            session_id: conn.facts.sessionId,
            duration_s: Math.round(seconds),
          });
        }
        open.delete(conn);
      },
      error(error) {
        metrics.error('transport');
        logger.warn('transport error', { error: error.message, session_id: conn.facts.sessionId });
      },
    });
    if (watching) open.add(conn);
  }

  return {
    tap,
    sessions() {
      let n = 0;
      for (const c of open) if (c.openedAt !== undefined) n++;
      return n;
    },
    inFlight: () => inFlight,
    refuseNewSessions() {
      refusing = true;
    },
    get refusing() {
      return refusing;
    },
    async idle(timeoutMs) {
      if (inFlight > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          whenIdle = resolve;
          timer = setTimeout(resolve, timeoutMs);
        });
        clearTimeout(timer);
        whenIdle = undefined;
      }
      return inFlight === 0;
    },
    async closeAll() {
      await Promise.allSettled([...open].map((c) => c.server.close()));
    },
  };
}
