import { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api/errors.js';
import { idParam, type RouteDoc, route } from '../api/route.js';
import { type Maintenance, maintenanceSchema } from '../config/alerting-schema.js';
import { maintenanceAt } from '../notify/maintenance.js';
import type { Store } from '../store/index.js';
import { withoutAnswerFields } from './read-only-fields.js';

export interface MaintenanceApiDeps {
  store: Store;
  /** The windows in force: mcpwatch.yaml's, and those created here (with their id). */
  list(): { file: readonly Maintenance[]; api: readonly (Maintenance & { id: number })[] };
  /** After a window changed here: the alerting reads them again. */
  changed(): Promise<void>;
  now?: () => number;
}

/** The file's shape, and a schedule and time zone that croner can actually run. */
const windowSchema = maintenanceSchema.superRefine((m, ctx) => {
  if (m.schedule === undefined) return;
  try {
    new Cron(m.schedule, { timezone: m.timezone, paused: true }).nextRun();
  } catch (error) {
    const zone = m.timezone !== undefined && /time ?zone/i.test((error as Error).message);
    ctx.addIssue({
      code: 'custom',
      path: [zone ? 'timezone' : 'schedule'],
      message: zone
        ? `is not a time zone croner knows, like Europe/Paris (${(error as Error).message})`
        : `is not a cron expression, like "0 3 * * sun" (${(error as Error).message})`,
    });
  }
});

/** What a window's answer adds to its definition; a client may send it back. */
const windowBody = withoutAnswerFields(['id', 'source', 'readOnly', 'active'], windowSchema);

const everyone = { name: '', group: null, tags: [] } as const;

/**
 * Maintenance windows through the API (the dashboard's settings): the same shape as `maintenance:` in
 * mcpwatch.yaml. The file's windows are listed with `source: "file"` and no id: they are changed in the file.
 */
export function maintenanceApi(app: FastifyInstance, docs: RouteDoc[], deps: MaintenanceApiDeps): void {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const tag = 'maintenance';

  /** Whether a window is on now (for any monitor it names). */
  const active = (w: Maintenance) =>
    maintenanceAt([{ ...w, monitors: undefined, groups: undefined, tags: undefined }], everyone, now()) !==
    undefined;

  const shownApi = (w: Maintenance & { id: number }) => ({
    ...w,
    source: 'api' as const,
    readOnly: null,
    active: active(w),
  });

  const stored = async (id: number) => {
    const window = deps.list().api.find((w) => w.id === id);
    if (!window)
      throw new ApiError(404, 'not_found', `There is no maintenance window ${id} created through the API.`);
    return { window: shownApi(window) };
  };

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/maintenance',
    tag,
    summary:
      'Every maintenance window, from mcpwatch.yaml (read-only, no id) and the API, with whether it is on now',
    role: 'viewer',
    responses: { 200: '{ windows }' },
    handler: async () => {
      const { file, api } = deps.list();
      return {
        windows: [
          ...file.map((w) => ({
            id: null,
            ...w,
            source: 'file' as const,
            readOnly: 'defined in mcpwatch.yaml: edit the file, it is reloaded on save',
            active: active(w),
          })),
          ...api.map(shownApi),
        ],
      };
    },
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/maintenance/:id',
    tag,
    summary: 'One maintenance window created through the API',
    role: 'viewer',
    responses: { 200: '{ window }', 404: 'No such window' },
    handler: ({ params }) => stored(idParam(params)),
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/maintenance',
    tag,
    summary:
      'Create a maintenance window: { name, start, end } or { name, schedule, durationMin, timezone? }, scoped by monitors, groups, tags',
    role: 'editor',
    body: windowBody,
    responses: { 201: '{ window }', 400: 'Invalid field' },
    handler: async ({ body }, reply) => {
      const record = await store.createMaintenance(body.name, body, now());
      await deps.changed();
      reply.code(201);
      return stored(record.id);
    },
  });

  route(app, docs, {
    method: 'PUT',
    url: '/api/v1/maintenance/:id',
    tag,
    summary: 'Replace a maintenance window created through the API',
    role: 'editor',
    body: windowBody,
    responses: { 200: '{ window }', 400: 'Invalid field', 404: 'No such window' },
    handler: async ({ params, body }) => {
      const id = idParam(params);
      if (!(await store.updateMaintenance(id, body.name, body, now()))) {
        throw new ApiError(404, 'not_found', `There is no maintenance window ${id} created through the API.`);
      }
      await deps.changed();
      return stored(id);
    },
  });

  route(app, docs, {
    method: 'DELETE',
    url: '/api/v1/maintenance/:id',
    tag,
    summary:
      'Delete a maintenance window created through the API; alerts it held go out if the outage outlives it',
    role: 'editor',
    responses: { 204: 'Deleted', 404: 'No such window' },
    handler: async ({ params }, reply) => {
      const id = idParam(params);
      if (!(await store.deleteMaintenance(id))) {
        throw new ApiError(404, 'not_found', `There is no maintenance window ${id} created through the API.`);
      }
      await deps.changed();
      reply.code(204);
      return null;
    },
  });
}
