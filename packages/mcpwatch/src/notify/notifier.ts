import type { z } from 'zod';

/**
 * How loud a notification is, 1 (lowest) to 10, on the scale the seed's notifier uses (Gotify's): 9 for a
 * failed check, 7 for a slow one, 4 for a new release. Each provider maps it to its own levels.
 */
export type Priority = number;

/** Whether a notification opens something, closes it, or only informs (a release, a test). */
export type NotificationState = 'firing' | 'resolved' | 'info';

/**
 * One message, rendered and ready for any provider: what every provider needs and nothing
 * provider-specific. Built from an event by notify/message.ts; a provider only formats it.
 */
export interface Notification {
  /** The event kind it announces, `reminder` while an incident stays open, or `test`. */
  kind: string;
  state: NotificationState;
  priority: Priority;
  /** One line, plain text. */
  title: string;
  /** Plain text, several lines: what failed, for how long, the evidence. */
  body: string;
  /** Labelled details, for providers with fields (Slack, Teams, Discord, PagerDuty custom details). */
  facts: { label: string; value: string }[];
  monitor: { id: number; name: string; group: string | null; tags: string[]; target: string };
  /** ISO 8601: when the event happened. */
  at: string;
  /** The monitor in the dashboard, when mcpwatch knows its public URL. */
  link?: string;
  /**
   * The same for every message about one incident (trigger, reminders, resolve), so providers that
   * deduplicate (PagerDuty, Opsgenie, Alertmanager) see one alert, and the outbox sends each once.
   */
  dedupKey: string;
  /**
   * The event it announces (null for a test message). Each event reaches a channel once, so a receiver that
   * sees one twice (a send cut off by a crash and retried) can drop the copy.
   */
  eventId: number | null;
}

/** An HTTP request a provider wants sent; rendering builds it without I/O, so a test can check it exactly. */
export interface HttpRequest {
  method: 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What a delivery attempt came to, as the outbox records it. */
export type Delivery =
  | { ok: true; status?: number; response?: string }
  | {
      ok: false;
      /** Retrying cannot help (a bad token, a missing channel): the row is marked failed at once. */
      permanent: boolean;
      /** The provider asked for this pause (Retry-After); the next attempt waits at least this long. */
      retryAfterMs?: number;
      status?: number;
      /** The provider's answer or the transport error, cut to a readable length. */
      error: string;
    };

/**
 * A notification channel type. `config` validates a channel's settings (secrets as `${NAME}`, resolved
 * before it is called); `render` is pure; `send` does the I/O, bounded by `signal`. The registry in
 * providers/index.ts lists every type, so the config schema and the API read one list.
 */
export interface Notifier<C = Record<string, unknown>, R = HttpRequest> {
  readonly type: string;
  /** One line for docs and the API: what the channel is. */
  readonly description: string;
  readonly config: z.ZodType<C>;
  render(notification: Notification, config: C): R;
  send(request: R, config: C, signal: AbortSignal): Promise<Delivery>;
}

/** Any provider, whatever its config and request types: what the registry holds. */
// biome-ignore lint/suspicious/noExplicitAny: each provider has its own config and request types.
export type AnyNotifier = Notifier<any, any>;
