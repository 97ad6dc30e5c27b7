import type { ProbeResult, ToolInfo } from '@mcpwatch/probe';
import type { MonitorView } from '../service/monitor-view.js';
import type { Incident, Role, StoredEvent, StoredResult, TokenScope, UptimeSummary } from '../store/index.js';
import { incidentView, pickMonitor, unknownIncident } from './monitor-names.js';
import {
  type CheckOutcome,
  type IncidentQuery,
  type IncidentView,
  type MonitorDetail,
  type MonitorFilter,
  type NotificationInput,
  type NotificationOutcome,
  type PauseInput,
  type PauseOutcome,
  type ProbeTarget,
  type ResumeOutcome,
  type Scope,
  UPTIME_WINDOWS,
  type WatchApi,
  WatchError,
  type WatchErrorCode,
} from './watch-api.js';

/** Reads answer in well under a second; this only ends a hung connection. */
export const REST_TIMEOUT_MS = 15_000;
/**
 * A probe or a check runs the monitor's whole budget on the service (its timeout plus 15 s, 25 s by default);
 * this leaves room for a slow server and still ends a call that would otherwise hang the AI's turn.
 */
export const REST_PROBE_TIMEOUT_MS = 120_000;
/** The largest answer read: a monitor's detail with a big tool list stays far below it. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export const CREATE_TOKEN_HINT =
  'create one in the dashboard (Settings → API tokens) or with POST /api/v1/tokens, and pass it as --token or MCPWATCH_TOKEN';

export interface RestApiOptions {
  /** The service's base URL, like http://127.0.0.1:8080 (a path prefix is kept). */
  url: string;
  /** An mcpwatch API token (mcpw_…). */
  token: string;
  timeoutMs?: number;
  probeTimeoutMs?: number;
}

/** Who the token belongs to, from `GET /api/v1/auth/me`. */
export interface TokenOwner {
  name: string;
  role: Role;
  scope: TokenScope;
}

/**
 * A token may change things when it has the write scope and its user may edit: a viewer's write token is
 * refused by every write route, so its session is shown the read tools only (as /mcp does).
 */
export function scopeOf(owner: TokenOwner): Scope {
  return owner.scope === 'write' && owner.role !== 'viewer' ? 'write' : 'read';
}

const HTTP_CODES: Record<number, WatchErrorCode> = {
  400: 'invalid',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
};

/**
 * WatchApi over a running service's REST API, for `mcpwatch mcp --url … --token …`: every call is one or a
 * few requests with a deadline, and every failure a sentence that says what to do (the tools show it to the
 * AI, which shows it to the user).
 */
export class RestWatchApi implements WatchApi {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly probeTimeoutMs: number;

  constructor(private readonly options: RestApiOptions) {
    // A trailing slash would double in every path; a path prefix (behind a proxy) is kept.
    this.base = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? REST_TIMEOUT_MS;
    this.probeTimeoutMs = options.probeTimeoutMs ?? REST_PROBE_TIMEOUT_MS;
  }

  /** The token's owner and scope; fails as any call does (wrong token, no service at the URL). */
  async whoAmI(): Promise<TokenOwner> {
    const me = await this.call<{ user: { name: string; role: Role }; scope: TokenScope }>(
      'GET',
      '/api/v1/auth/me',
    );
    return { name: me.user.name, role: me.user.role, scope: me.scope };
  }

  async listMonitors(filter: MonitorFilter = {}): Promise<MonitorView[]> {
    const query = new URLSearchParams();
    for (const key of ['status', 'group', 'tag', 'q'] as const) {
      const value = filter[key];
      if (value !== undefined) query.set(key, value);
    }
    const { monitors } = await this.call<{ monitors: MonitorView[] }>('GET', `/api/v1/monitors${qs(query)}`);
    return monitors;
  }

  async getMonitor(name: string, options: { recentEvents?: number } = {}): Promise<MonitorDetail> {
    const monitor = await this.named(name);
    const id = monitor.id;
    const recent = options.recentEvents ?? 10;
    const [results, uptime, events, tools, incidents] = await Promise.all([
      // Without `from` the results route reads the last day only: a monitor checked daily has an older one.
      this.call<{ results: StoredResult[] }>('GET', `/api/v1/monitors/${id}/results?from=0&limit=1`),
      this.call<{ windows: Record<string, UptimeSummary | null> }>(
        'GET',
        `/api/v1/monitors/${id}/uptime?windows=${UPTIME_WINDOWS.join(',')}`,
      ),
      recent === 0
        ? Promise.resolve({ events: [] as StoredEvent[] })
        : this.call<{ events: StoredEvent[] }>('GET', `/api/v1/events?monitorId=${id}&limit=${recent}`),
      this.call<{ hash: string | null; tools: ToolInfo[] | null }>('GET', `/api/v1/monitors/${id}/tools`),
      this.call<{ incidents: Incident[] }>('GET', `/api/v1/incidents?monitorId=${id}&open=true&limit=1`),
    ]);
    return {
      monitor,
      lastResult: results.results[0] ?? null,
      uptime: Object.fromEntries(
        UPTIME_WINDOWS.map((w) => [w, uptime.windows[w] ?? null]),
      ) as MonitorDetail['uptime'],
      recentEvents: events.events,
      tools: { hash: tools.hash, list: tools.tools },
      openIncident: incidents.incidents[0] ?? null,
    };
  }

  async listIncidents(query: IncidentQuery = {}): Promise<IncidentView[]> {
    const monitors = await this.listMonitors();
    const params = new URLSearchParams({ limit: String(query.limit ?? 100) });
    if (query.monitor !== undefined) params.set('monitorId', String(pickMonitor(monitors, query.monitor).id));
    if (query.open !== undefined) params.set('open', String(query.open));
    const { incidents } = await this.call<{ incidents: Incident[] }>('GET', `/api/v1/incidents${qs(params)}`);
    return incidents.map((i) => incidentView(i, monitors));
  }

  async getIncident(id: number): Promise<{ incident: IncidentView; timeline: StoredEvent[] }> {
    const [found, monitors] = await Promise.all([
      this.call<{ incident: Incident; timeline: StoredEvent[] }>('GET', `/api/v1/incidents/${id}`, {
        notFound: () => unknownIncident(id),
      }),
      this.listMonitors(),
    ]);
    return { incident: incidentView(found.incident, monitors), timeline: found.timeline };
  }

  async probe(target: ProbeTarget): Promise<ProbeResult> {
    const { result } = await this.call<{ result: ProbeResult }>('POST', '/api/v1/probe', {
      body: target,
      timeoutMs: this.probeTimeoutMs,
    });
    return result;
  }

  async checkNow(name: string): Promise<CheckOutcome> {
    const { id } = await this.named(name);
    return this.call<CheckOutcome>('POST', `/api/v1/monitors/${id}/check`, {
      timeoutMs: this.probeTimeoutMs,
    });
  }

  async acknowledgeIncident(id: number): Promise<IncidentView> {
    const [{ incident }, monitors] = await Promise.all([
      this.call<{ incident: Incident }>('POST', `/api/v1/incidents/${id}/acknowledge`, {
        notFound: () => unknownIncident(id),
      }),
      this.listMonitors(),
    ]);
    return incidentView(incident, monitors);
  }

  async pauseMonitor(name: string, input: PauseInput): Promise<PauseOutcome> {
    const { id } = await this.named(name);
    return this.call<PauseOutcome>('POST', `/api/v1/monitors/${id}/pause`, {
      body: { durationMinutes: input.durationMinutes, ...(input.reason ? { reason: input.reason } : {}) },
    });
  }

  async resumeMonitor(name: string): Promise<ResumeOutcome> {
    const { id } = await this.named(name);
    return this.call<ResumeOutcome>('POST', `/api/v1/monitors/${id}/resume`, { body: {} });
  }

  async sendNotification(input: NotificationInput): Promise<NotificationOutcome> {
    return this.call<NotificationOutcome>('POST', '/api/v1/notifications', { body: input });
  }

  private async named(name: string): Promise<MonitorView> {
    return pickMonitor(await this.listMonitors(), name);
  }

  /** One request: JSON in and out, bounded in time and size, every failure a WatchError saying what to do. */
  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; timeoutMs?: number; notFound?: () => WatchError } = {},
  ): Promise<T> {
    const url = `${this.base}${path}`;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    let response: Response;
    let text: string;
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        redirect: 'error',
        signal,
      });
      text = await readBounded(response);
    } catch (error) {
      throw this.transportError(error, method, path, timeoutMs);
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      throw new WatchError(
        'unavailable',
        `${this.base} answered ${method} ${path} with HTTP ${response.status} and no JSON: it is not mcpwatch's API. Check --url (MCPWATCH_URL): it is the address \`mcpwatch serve\` prints.`,
      );
    }
    if (response.ok) return body as T;
    const message =
      (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}`;
    if (response.status === 401) {
      throw new WatchError(
        'forbidden',
        `The token is wrong or expired: ${CREATE_TOKEN_HINT}. (mcpwatch said: ${message})`,
      );
    }
    if (response.status === 404 && options.notFound) throw options.notFound();
    if (response.status === 404 && /^No route /.test(message)) {
      throw new WatchError(
        'unavailable',
        `The mcpwatch at ${this.base} does not know ${method} ${path.split('?')[0]}: upgrade it to the version of this mcpwatch.`,
      );
    }
    const code = HTTP_CODES[response.status];
    if (code) throw new WatchError(code, message);
    throw new WatchError(
      'unavailable',
      `mcpwatch at ${this.base} failed on ${method} ${path.split('?')[0]} (HTTP ${response.status}): ${message}`,
    );
  }

  private transportError(error: unknown, method: string, path: string, timeoutMs: number): WatchError {
    const name = (error as Error | undefined)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new WatchError(
        'unavailable',
        `mcpwatch at ${this.base} did not answer ${method} ${path.split('?')[0]} within ${Math.round(timeoutMs / 1000)} s: it is overloaded or stuck; check its log.`,
      );
    }
    if (error instanceof WatchError) return error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    return new WatchError(
      'unavailable',
      `No mcpwatch serve at ${this.base} (${why}): start \`mcpwatch serve\`, or point --url (MCPWATCH_URL) at the one running.`,
    );
  }
}

function qs(params: URLSearchParams): string {
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The body as text, refused past MAX_ANSWER_BYTES rather than buffered whole. */
async function readBounded(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await response.body.cancel().catch(() => undefined);
      throw new WatchError(
        'unavailable',
        `The answer from ${response.url} is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB: it is not mcpwatch's API, check --url.`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
