import type { ResolvedChannel } from './dispatcher.js';
import type { Delivery, Notification } from './notifier.js';

/**
 * The message `mcpwatch notify test` and the API's test send deliver: shaped like a real notification, so
 * the channel is proven end to end, and plainly marked as a test so nobody acts on it. Its dedupKey is unique
 * per send, so a deduplicating provider (PagerDuty, Opsgenie) shows each test instead of folding them.
 */
export function testNotification(channel?: string, now: number = Date.now()): Notification {
  const at = new Date(now).toISOString();
  const to = channel === undefined ? 'this channel' : `the channel "${channel}"`;
  return {
    kind: 'test',
    state: 'info',
    priority: 4,
    title: 'mcpwatch test message',
    body: `This is a test message from mcpwatch to ${to}. Nothing is down: if you can read this, alerts sent to this channel will reach you.`,
    facts: [
      ...(channel === undefined ? [] : [{ label: 'Channel', value: channel }]),
      { label: 'Sent at', value: at },
    ],
    monitor: { id: 0, name: 'mcpwatch', group: null, tags: [], target: '' },
    at,
    dedupKey: `mcpwatch-test-${channel ?? 'channel'}-${now}`,
    eventId: null,
  };
}

/**
 * Sends one test message through a resolved channel, now, outside the outbox (nothing is recorded): a channel
 * that cannot be resolved, a render that throws or a provider that throws all come back as a failed Delivery.
 */
export async function sendTest(
  name: string,
  resolved: ResolvedChannel | { error: string },
  options: { sendTimeoutMs?: number } = {},
  now: number = Date.now(),
): Promise<Delivery> {
  if ('error' in resolved) return { ok: false, permanent: true, error: resolved.error };
  try {
    const request = resolved.notifier.render(testNotification(name, now), resolved.config);
    return await resolved.notifier.send(
      request,
      resolved.config,
      AbortSignal.timeout(options.sendTimeoutMs ?? 10_000),
    );
  } catch (error) {
    return {
      ok: false,
      permanent: false,
      error: `the ${resolved.notifier.type} provider failed: ${(error as Error).message}`,
    };
  }
}
