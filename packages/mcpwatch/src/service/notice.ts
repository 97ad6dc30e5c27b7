import { randomUUID } from 'node:crypto';
import type { Service } from './service.js';
import { ServiceError } from './service-error.js';

/** People pick a level; providers get the 1–10 scale of every alert (9 is a failed check). */
export const NOTICE_PRIORITIES = { low: 3, normal: 5, high: 7, urgent: 9 } as const;
export type NoticePriority = keyof typeof NOTICE_PRIORITIES;

export interface NoticeRequest {
  monitorId: number;
  title: string;
  message: string;
  priority?: NoticePriority | undefined;
  /** A channel by name; without one the routes decide, as for any event of the monitor. */
  channel?: string | undefined;
  by: string;
}

/**
 * What a `notice` event records, wherever it is written (the service, or `mcpwatch mcp` on the store): an id
 * to find the stored event by, the text, the priority on the providers' scale, who sent it and to where.
 */
export function noticeEvidence(request: Omit<NoticeRequest, 'monitorId'>) {
  return {
    id: randomUUID(),
    title: request.title,
    message: request.message,
    priority: NOTICE_PRIORITIES[request.priority ?? 'normal'],
    by: request.by,
    ...(request.channel !== undefined ? { channel: request.channel } : {}),
  };
}

/**
 * Sends a message about a monitor through the alerting outbox: it is written as a `notice` event of the
 * monitor, with one outbox row per channel in the same transaction, so it is delivered, retried and listed
 * in the deliveries exactly like an alert.
 */
export async function sendNotice(
  service: Service,
  request: NoticeRequest,
): Promise<{ eventId: number; channels: string[] }> {
  const runtime = service.monitors.runtime(request.monitorId);
  if (request.channel !== undefined && !service.alerting.isChannel(request.channel)) {
    const names = service.alerting.listChannels().map((c) => `"${c.name}"`);
    throw new ServiceError(
      'invalid',
      `No channel is named "${request.channel}": ${names.length > 0 ? `use one of ${names.join(', ')}` : 'none is defined; add one in mcpwatch.yaml or through the API'}`,
      'channel',
    );
  }
  const evidence = noticeEvidence(request);
  const id = evidence.id;
  const event = { kind: 'notice' as const, at: new Date().toISOString(), evidence };
  const { channels } = service.alerting.route(runtime.spec, runtime.monitor.name, event);
  await service.monitors.apply(runtime, (state) => ({ state, events: [event] }));
  const written = await service.store.listEvents({
    monitorId: request.monitorId,
    kinds: ['notice'],
    limit: 50,
  });
  const stored = written.find((e) => e.evidence.id === id);
  if (!stored) throw new Error(`The notice about "${runtime.monitor.name}" was not written`);
  return { eventId: stored.id, channels };
}
