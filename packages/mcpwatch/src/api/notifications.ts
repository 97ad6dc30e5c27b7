import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CHANNEL_NAME } from '../config/alerting-schema.js';
import { hasReference } from '../env-vars.js';
import type { ResolvedChannel } from '../notify/dispatcher.js';
import { PROVIDERS } from '../notify/providers/index.js';
import { sendTest } from '../notify/test-message.js';
import type { Store } from '../store/index.js';
import { ApiError } from './errors.js';
import { type RouteDoc, route } from './route.js';

/** A channel as the service knows it, from mcpwatch.yaml or the API; `config` as written, references unresolved. */
export interface ChannelListing {
  name: string;
  type: string;
  source: 'file' | 'api';
  config: Record<string, unknown>;
}

export interface NotificationRouteDeps {
  store: Store;
  /** Every channel, from the file and from the API. */
  listChannels(): ChannelListing[] | Promise<ChannelListing[]>;
  /** A channel ready to send through, or why it cannot be used: what the dispatcher uses too. */
  resolveChannel(name: string): ResolvedChannel | { error: string };
  /** Called after a channel is created, replaced or deleted here, so `listChannels` and `resolveChannel` see it. */
  channelsChanged?(): void | Promise<void>;
  now?: () => number;
  /** A test send's budget. */
  sendTimeoutMs?: number;
}

const PROVIDER_TYPES = Object.keys(PROVIDERS) as [string, ...string[]];

/** The same names mcpwatch.yaml allows: they go in URLs, logs and config keys. */
export const channelName = z.string({ error: 'give the channel a name' }).regex(CHANNEL_NAME, {
  error: 'use up to 64 letters, digits, "-", "_" or ".", starting with a letter or digit',
});

/**
 * Checks a channel's settings against its provider's schema. A string holding a `${NAME}` reference is resolved
 * only when a message is sent (secrets stay in the environment), so what it will hold cannot be checked now:
 * complaints about such fields are dropped, every other one stands. Paths are relative to the config.
 */
export function channelConfigIssues(type: string, config: Record<string, unknown>): z.core.$ZodIssue[] {
  const provider = (PROVIDERS as Record<string, (typeof PROVIDERS)[keyof typeof PROVIDERS]>)[type];
  if (!provider) return [{ code: 'custom', path: ['type'], message: `is not a channel type`, input: type }];
  const result = provider.config.safeParse(config);
  if (result.success) return [];
  return result.error.issues.filter((issue) => {
    const value = issue.path.reduce<unknown>(
      (v, key) =>
        v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined,
      config,
    );
    return !(typeof value === 'string' && hasReference(value));
  });
}

/**
 * `{ name, type, ...config }`, the config checked by the provider's schema. A replacement may send back the
 * masked values it was shown (`***`): those are restored from the stored channel, and checked then.
 */
function channelBody<N extends z.ZodType>(name: N, masksAllowed = false) {
  return z
    .looseObject({
      name,
      type: z.enum(PROVIDER_TYPES, { error: `give one of the channel types: ${PROVIDER_TYPES.join(', ')}` }),
    })
    .superRefine((body, ctx) => {
      const { name: _name, type, ...config } = body;
      for (const issue of channelConfigIssues(type, config)) {
        if (masksAllowed && isMasked(valueAt(config, issue.path))) continue;
        const path = [...issue.path];
        // An unknown key is named as the field to fix, as the error handler does for the other routes.
        if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
        ctx.addIssue({
          code: 'custom',
          path,
          message: issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message,
        });
      }
    });
}

const createBody = channelBody(channelName);
const replaceBody = channelBody(channelName.optional(), true);
const nameParams = z.object({ name: channelName });

/** Keys whose values are credentials or carry them (webhook URLs hold their token in the path). */
const SECRET_KEY = /url|token|key|secret|password|auth|credential/i;

/**
 * A config fit to show: secret values become ***, URLs keep only their origin, `${NAME}` references are shown
 * as they are (they name a variable, not its value). Nested objects (headers) follow the same rule per key.
 */
export function maskChannelConfig(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (key === 'type' || key === 'name' || !SECRET_KEY.test(key) || hasReference(value)) return value;
    if (/^https?:\/\//i.test(value) && URL.canParse(value)) return `${new URL(value).origin}/***`;
    return '***';
  }
  if (Array.isArray(value)) return value.map((v) => maskChannelConfig(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskChannelConfig(v, k)]));
  }
  return value;
}

const isMasked = (value: unknown) => typeof value === 'string' && /(^|\/)\*\*\*$/.test(value);

function valueAt(config: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined),
    config,
  );
}

/** Where a masked value is left in a config, if anywhere. */
function maskedPath(value: unknown, path: PropertyKey[] = []): PropertyKey[] | undefined {
  if (isMasked(value)) return path;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = maskedPath(v, [...path, Array.isArray(value) ? Number(k) : k]);
    if (found) return found;
  }
  return undefined;
}

/**
 * A replacement's config with each masked value it sent back (exactly as `maskChannelConfig` showed the
 * stored one) replaced by the stored value: an edit form need not ask for secrets it did not change.
 */
export function restoreMasked(next: unknown, stored: unknown, key = ''): unknown {
  if (typeof next === 'string') {
    return isMasked(next) && typeof stored === 'string' && maskChannelConfig(stored, key) === next
      ? stored
      : next;
  }
  if (Array.isArray(next)) {
    return next.map((v, i) => restoreMasked(v, Array.isArray(stored) ? stored[i] : undefined, key));
  }
  if (next !== null && typeof next === 'object') {
    const old = stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, restoreMasked(v, old[k], k)]));
  }
  return next;
}

function shown(channel: ChannelListing): ChannelListing {
  return { ...channel, config: maskChannelConfig(channel.config) as Record<string, unknown> };
}

const deliveryQuery = z.object({
  status: z.enum(['pending', 'sent', 'failed', 'held']).optional(),
  channel: z.string().optional(),
  monitorId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  beforeId: z.coerce.number().int().positive().optional(),
});

/**
 * Notifications: the delivery log (what was sent where, what is waiting, what failed and what the provider
 * said), channels created through the API, and a test send through any channel. Channels from mcpwatch.yaml
 * are listed and testable but read-only here.
 */
export function notificationRoutes(
  app: FastifyInstance,
  docs: RouteDoc[],
  deps: NotificationRouteDeps,
): void {
  const tag = 'notifications';
  const { store } = deps;
  const now = deps.now ?? Date.now;

  /** The file's channel of that name, for the refusals that need to say it is read-only. */
  const fileChannel = async (name: string) =>
    (await deps.listChannels()).find((c) => c.name === name && c.source === 'file');

  /** An API channel by name, or the 403/404 that says why it cannot be changed. */
  const apiChannel = async (name: string) => {
    const stored = await store.getChannel(name);
    if (stored) return stored;
    if (await fileChannel(name)) {
      throw new ApiError(
        403,
        'read_only',
        `The channel "${name}" is defined in mcpwatch.yaml: change it there.`,
      );
    }
    throw new ApiError(404, 'not_found', `There is no channel named "${name}".`);
  };

  const listing = (c: { name: string; type: string; config: Record<string, unknown> }): ChannelListing =>
    shown({ name: c.name, type: c.type, source: 'api', config: c.config });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/deliveries',
    tag,
    summary:
      'Notifications sent, waiting and failed, newest first, with the provider answer; page with beforeId',
    role: 'viewer',
    query: deliveryQuery,
    responses: { 200: '{ deliveries: Delivery[], nextBeforeId }' },
    handler: async ({ query }) => {
      const deliveries = await store.listDeliveries({
        limit: query.limit,
        ...(query.status !== undefined && { status: query.status }),
        ...(query.channel !== undefined && { channel: query.channel }),
        ...(query.monitorId !== undefined && { monitorId: query.monitorId }),
        ...(query.beforeId !== undefined && { beforeId: query.beforeId }),
      });
      const full = deliveries.length === query.limit;
      return { deliveries, nextBeforeId: full ? (deliveries.at(-1)?.id ?? null) : null };
    },
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/channels',
    tag,
    summary: 'Every notification channel, from mcpwatch.yaml and the API (secrets shown as ***)',
    role: 'editor',
    responses: { 200: '{ channels: Channel[] }' },
    handler: async () => ({ channels: (await deps.listChannels()).map(shown) }),
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/channels',
    tag,
    summary: 'Create a channel: { name, type, ...settings }; secrets as ${NAME}, read from the environment',
    role: 'editor',
    body: createBody,
    responses: { 201: '{ channel }', 400: 'Invalid field', 409: 'Name taken' },
    handler: async ({ body }, reply) => {
      const { name, type, ...config } = body;
      const taken = () =>
        new ApiError(409, 'conflict', `There is already a channel named "${name}".`, 'name');
      if ((await deps.listChannels()).some((c) => c.name === name)) throw taken();
      const created = await store.createChannel({ name, type, config }, now());
      if (!created) throw taken();
      await deps.channelsChanged?.();
      reply.code(201);
      return { channel: listing(created) };
    },
  });

  route(app, docs, {
    method: 'PUT',
    url: '/api/v1/channels/:name',
    tag,
    summary: 'Replace a channel created through the API (channels from mcpwatch.yaml are read-only)',
    role: 'editor',
    params: nameParams,
    body: replaceBody,
    responses: {
      200: '{ channel }',
      400: 'Invalid field',
      403: 'Defined in mcpwatch.yaml',
      404: 'No such channel',
    },
    handler: async ({ body, params }) => {
      const { name, type, ...config } = body;
      if (name !== undefined && name !== params.name) {
        throw new ApiError(
          400,
          'invalid_request',
          'name: a channel cannot be renamed; create one instead',
          'name',
        );
      }
      const stored = await apiChannel(params.name);
      const restored = restoreMasked(config, stored.config) as Record<string, unknown>;
      // A masked value with nothing stored behind it (a new field, or changed elsewhere) cannot be kept.
      const masked = maskedPath(restored);
      const [issue] = channelConfigIssues(type, restored);
      if (masked || issue) {
        const field = (masked ?? issue?.path ?? []).join('.');
        const message = masked
          ? 'send the value itself: *** stands only for the value it hid'
          : issue?.message;
        throw new ApiError(400, 'invalid_request', `${field}: ${message}`, field);
      }
      const updated = await store.updateChannel(params.name, { type, config: restored }, now());
      if (!updated) throw new ApiError(404, 'not_found', `There is no channel named "${params.name}".`);
      await deps.channelsChanged?.();
      return { channel: listing(updated) };
    },
  });

  route(app, docs, {
    method: 'DELETE',
    url: '/api/v1/channels/:name',
    tag,
    summary: 'Delete a channel created through the API; its queued notifications fail as undeliverable',
    role: 'editor',
    params: nameParams,
    responses: { 204: 'Deleted', 403: 'Defined in mcpwatch.yaml', 404: 'No such channel' },
    handler: async ({ params }, reply) => {
      await apiChannel(params.name);
      await store.deleteChannel(params.name);
      await deps.channelsChanged?.();
      reply.code(204);
      return null;
    },
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/channels/:name/test',
    tag,
    summary: 'Send a test message through a channel now and answer what the provider said',
    role: 'editor',
    params: nameParams,
    responses: { 200: '{ delivery }', 404: 'No such channel' },
    handler: async ({ params }) => {
      const known = (await deps.listChannels()).some((c) => c.name === params.name);
      if (!known && !(await store.getChannel(params.name))) {
        throw new ApiError(404, 'not_found', `There is no channel named "${params.name}".`);
      }
      return { delivery: await sendTest(params.name, deps.resolveChannel(params.name), deps, now()) };
    },
  });
}
