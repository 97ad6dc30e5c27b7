import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idParam, type RouteDoc, route } from '../api/route.js';
import { notFound } from '../service/service-error.js';
import type { Store } from '../store/index.js';

export interface IncidentUpdatesDeps {
  store: Store;
  /** Resolves a monitor's open incident the way `POST /incidents/:id/resolve` does. */
  resolveIncident(monitorId: number, by: string): Promise<boolean>;
  /** After an update was posted: status pages show it. */
  changed(): void;
  now?: () => number;
}

const updateBody = z
  .object({
    status: z.enum(['investigating', 'identified', 'monitoring', 'resolved'], {
      error: 'use investigating, identified, monitoring or resolved',
    }),
    message: z.string().trim().min(1, { error: 'say what is happening' }).max(5000),
    public: z.boolean().default(false).describe('Shown on the status pages that show its monitor.'),
  })
  .strict();

/** What people say about an incident while it runs; public ones are shown on status pages and in their feeds. */
export function incidentUpdatesApi(app: FastifyInstance, docs: RouteDoc[], deps: IncidentUpdatesDeps): void {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const tag = 'incidents';

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/incidents/:id/updates',
    tag,
    summary: 'The updates posted on an incident, oldest first (public and internal)',
    role: 'viewer',
    responses: { 200: '{ updates }', 404: 'No such incident' },
    handler: async ({ params }) => {
      const id = idParam(params);
      if (!(await store.getIncident(id))) throw notFound(`Incident ${id}`);
      return { updates: await store.listIncidentUpdates([id]) };
    },
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/incidents/:id/updates',
    tag,
    summary:
      'Post an update { status, message, public }; status "resolved" also resolves the incident if it is still open',
    role: 'editor',
    body: updateBody,
    responses: { 201: '{ update, incident }', 400: 'Invalid field', 404: 'No such incident' },
    handler: async ({ params, body, request }, reply) => {
      const id = idParam(params);
      const author = request.principal?.name ?? null;
      const incident = await store.getIncident(id);
      if (!incident) throw notFound(`Incident ${id}`);
      const update = await store.addIncidentUpdate({ incidentId: id, at: now(), author, ...body });
      if (!update) throw notFound(`Incident ${id}`);
      if (body.status === 'resolved' && incident.resolvedAt === null) {
        await deps.resolveIncident(incident.monitorId, author ?? 'unknown');
      }
      deps.changed();
      reply.code(201);
      return { update, incident: await store.getIncident(id) };
    },
  });
}
