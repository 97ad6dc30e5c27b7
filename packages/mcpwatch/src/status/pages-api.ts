import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../api/errors.js';
import { type RouteDoc, route } from '../api/route.js';
import {
  STATUS_PAGE_SLUG,
  type StatusPage,
  statusPageObject,
  statusPageSchema,
} from '../config/status-page-schema.js';
import type { Store } from '../store/index.js';
import type { PageEntry, StatusPageDirectory } from './directory.js';
import { statusPageWarnings } from './page-warnings.js';
import { withoutAnswerFields } from './read-only-fields.js';

export interface PagesApiDeps {
  store: Store;
  directory: StatusPageDirectory;
  /** Whether a monitor or a group of that name exists, to warn about items that show nothing. */
  isMonitor(name: string): boolean;
  isGroup(name: string): boolean;
  /** After a page changed here. */
  changed(): void;
  now?: () => number;
}

const slugParams = z.object({
  slug: z.string().regex(STATUS_PAGE_SLUG, { error: 'is not a status page slug' }),
});
/** What a page's answer adds to its definition: a client may send back what it read. */
const ANSWER_FIELDS = ['source', 'readOnly', 'url', 'warnings'];
const createBody = withoutAnswerFields(ANSWER_FIELDS, statusPageSchema);
/** On replace the slug may be left out; it cannot change. */
const replaceBody = withoutAnswerFields(
  ANSWER_FIELDS,
  z.object({ ...statusPageObject.shape, slug: statusPageObject.shape.slug.optional() }).strict(),
);

/**
 * Status pages through the API, for the dashboard's settings: pages from mcpwatch.yaml are listed and
 * read-only (403 with the reason); pages created here are kept in the store.
 */
export function statusPageApi(app: FastifyInstance, docs: RouteDoc[], deps: PagesApiDeps): void {
  const { store, directory } = deps;
  const now = deps.now ?? Date.now;
  const tag = 'status pages';

  const shown = (entry: PageEntry) => ({
    ...entry.page,
    source: entry.source,
    readOnly: entry.readOnly,
    url: `/status/${entry.page.slug}`,
    warnings: warnings(entry.page),
  });

  const warnings = (page: StatusPage) => statusPageWarnings(page, deps.isMonitor, deps.isGroup);

  /** A page created here, or the 403/404 that says why it cannot be changed. */
  const apiPage = async (slug: string) => {
    const entry = await directory.get(slug);
    if (entry?.source === 'file') {
      throw new ApiError(403, 'read_only', `The status page "${slug}" is ${entry.readOnly}.`);
    }
    if (!entry || !(await store.getStatusPage(slug))) {
      throw new ApiError(404, 'not_found', `There is no status page "${slug}".`);
    }
    return entry;
  };

  const domainTaken = async (page: StatusPage) => {
    if (page.domain === undefined) return;
    const other = (await directory.list()).find(
      (e) => e.page.domain === page.domain && e.page.slug !== page.slug,
    );
    if (other) {
      throw new ApiError(
        409,
        'conflict',
        `domain: the status page "${other.page.slug}" already has the domain "${page.domain}"`,
        'domain',
      );
    }
  };

  const saved = async (slug: string) => {
    deps.changed();
    const entry = await directory.get(slug);
    if (!entry) throw new ApiError(404, 'not_found', `There is no status page "${slug}".`);
    return { page: shown(entry) };
  };

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/status-pages',
    tag,
    summary: 'Every status page, from mcpwatch.yaml (read-only) and the API',
    role: 'viewer',
    responses: { 200: '{ pages: StatusPage[] }' },
    handler: async () => ({ pages: (await directory.list()).map(shown) }),
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/status-pages/:slug',
    tag,
    summary: 'One status page definition',
    role: 'viewer',
    params: slugParams,
    responses: { 200: '{ page }', 404: 'No such page' },
    handler: async ({ params }) => {
      const entry = await directory.get(params.slug);
      if (!entry) throw new ApiError(404, 'not_found', `There is no status page "${params.slug}".`);
      return { page: shown(entry) };
    },
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/status-pages',
    tag,
    summary:
      'Create a status page: { slug, title, description?, items, showReasons?, showLatency?, showTargets?, domain? }',
    role: 'editor',
    body: createBody,
    responses: { 201: '{ page }', 400: 'Invalid field', 409: 'Slug or domain taken' },
    handler: async ({ body }, reply) => {
      const taken = () =>
        new ApiError(409, 'conflict', `slug: there is already a status page "${body.slug}"`, 'slug');
      if (await directory.get(body.slug)) throw taken();
      await domainTaken(body);
      if (!(await store.createStatusPage(body.slug, body, now()))) throw taken();
      reply.code(201);
      return saved(body.slug);
    },
  });

  route(app, docs, {
    method: 'PUT',
    url: '/api/v1/status-pages/:slug',
    tag,
    summary: 'Replace a status page created through the API (pages from mcpwatch.yaml are read-only)',
    role: 'editor',
    params: slugParams,
    body: replaceBody,
    responses: {
      200: '{ page }',
      400: 'Invalid field',
      403: 'Defined in mcpwatch.yaml',
      404: 'No such page',
    },
    handler: async ({ params, body }) => {
      if (body.slug !== undefined && body.slug !== params.slug) {
        throw new ApiError(
          400,
          'invalid_request',
          'slug: a status page keeps its slug (its URL); create a new page instead',
          'slug',
        );
      }
      await apiPage(params.slug);
      const page = statusPageSchema.parse({ ...body, slug: params.slug });
      await domainTaken(page);
      if (!(await store.updateStatusPage(params.slug, page, now()))) {
        throw new ApiError(404, 'not_found', `There is no status page "${params.slug}".`);
      }
      return saved(params.slug);
    },
  });

  route(app, docs, {
    method: 'DELETE',
    url: '/api/v1/status-pages/:slug',
    tag,
    summary: 'Delete a status page created through the API; its URL and badges answer 404',
    role: 'editor',
    params: slugParams,
    responses: { 204: 'Deleted', 403: 'Defined in mcpwatch.yaml', 404: 'No such page' },
    handler: async ({ params }, reply) => {
      await apiPage(params.slug);
      await store.deleteStatusPage(params.slug);
      deps.changed();
      reply.code(204);
      return null;
    },
  });
}
