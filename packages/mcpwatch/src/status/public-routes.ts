import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../api/errors.js';
import { type RouteDoc, route } from '../api/route.js';
import { badgeSvg } from './badge-svg.js';
import { type Badge, latencyBadge, overallBadge, shieldsJson, statusBadge, uptimeBadge } from './badges.js';
import type { PageEntry, StatusPageDirectory } from './directory.js';
import { renderFeed } from './feed.js';
import type { BuiltPage, PageCache } from './page-cache.js';
import { WINDOWS } from './page-data.js';
import { CSS } from './render-html.js';

/** The page's only style is its inline stylesheet, allowed by hash: no script runs, nothing is loaded. */
const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const windowQuery = z.object({
  window: z
    .enum(Object.keys(WINDOWS) as [string, ...string[]], { error: 'use 24h, 7d, 30d or 90d' })
    .default('30d'),
});
const metricQuery = windowQuery.extend({
  metric: z
    .enum(['status', 'uptime', 'latency'], { error: 'use status, uptime or latency' })
    .default('status'),
});

export interface PublicRouteDeps {
  directory: StatusPageDirectory;
  cache: PageCache;
}

function unknownPage(slug: string): ApiError {
  return new ApiError(404, 'not_found', `There is no status page "${slug}".`);
}

/**
 * The open side of status pages: the page (HTML and JSON), its Atom feed, its badges, and its custom domain.
 * Everything served is built from the page's public data, so nothing the page does not show can leak here.
 */
export function publicStatusRoutes(app: FastifyInstance, docs: RouteDoc[], deps: PublicRouteDeps): void {
  const { directory, cache } = deps;
  const tag = 'status pages';

  const built = async (slug: string): Promise<{ entry: PageEntry; page: BuiltPage }> => {
    const entry = await directory.get(slug);
    if (!entry) throw unknownPage(slug);
    return { entry, page: await cache.get(entry.page) };
  };

  /** A built body, gzipped when the client takes it (pages are kept in both forms). */
  const sendBuilt = (request: FastifyRequest, reply: FastifyReply, plain: Buffer, gzipped: Buffer) => {
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    reply.header('cache-control', 'public, max-age=10').header('vary', 'accept-encoding');
    if (gzip) reply.header('content-encoding', 'gzip');
    return reply.send(gzip ? gzipped : plain);
  };

  const sendHtml = (request: FastifyRequest, reply: FastifyReply, page: BuiltPage) => {
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff');
    return sendBuilt(request, reply, page.html, page.htmlGzip);
  };

  const sendFeed = (request: FastifyRequest, reply: FastifyReply, page: BuiltPage, path: string) => {
    const url = `${request.protocol}://${request.host}${path}`;
    return reply
      .type('application/atom+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=60')
      .send(renderFeed(page.data, url));
  };

  const sendBadge = (reply: FastifyReply, badge: Badge) =>
    reply
      .type('image/svg+xml; charset=utf-8')
      .header('cache-control', 'max-age=60')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(badgeSvg(badge.label, badge.message, badge.color));

  const serviceOf = async (slug: string, name: string) => {
    const { entry, page } = await built(slug);
    const service = page.data.services.find((s) => s.name === name);
    if (!service) throw new ApiError(404, 'not_found', `The status page "${slug}" shows no "${name}".`);
    return { entry, service };
  };

  const latencyOf = async (slug: string, name: string) => {
    const { entry, service } = await serviceOf(slug, name);
    // A badge reveals only what its page shows.
    if (!entry.page.showLatency) {
      throw new ApiError(404, 'not_found', `The status page "${slug}" does not show latency.`);
    }
    return latencyBadge(service);
  };

  // Custom domains: a request whose Host is a page's domain gets the page at / and its feed at /feed.atom.
  // Every other request, and every other path, goes on to the routes as usual.
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0];
    if ((request.method !== 'GET' && request.method !== 'HEAD') || (path !== '/' && path !== '/feed.atom'))
      return;
    const host = String(request.host ?? '')
      .replace(/:\d+$/, '')
      .toLowerCase();
    const entry = await directory.byDomain(host);
    if (!entry) return;
    const page = await cache.get(entry.page);
    return path === '/' ? sendHtml(request, reply, page) : sendFeed(request, reply, page, '');
  });

  route(app, docs, {
    method: 'GET',
    url: '/status/:slug',
    tag,
    summary: 'A public status page as HTML; /status/<slug>.json is the same data as JSON',
    role: null,
    responses: { 200: 'text/html, or the page as JSON', 404: 'No such page' },
    handler: async ({ params, request }, reply) => {
      const json = params.slug?.endsWith('.json');
      const slug = json ? (params.slug as string).slice(0, -'.json'.length) : (params.slug as string);
      const { page } = await built(slug);
      if (!json) return sendHtml(request, reply, page);
      reply.type('application/json; charset=utf-8').header('access-control-allow-origin', '*');
      return sendBuilt(request, reply, page.json, page.jsonGzip);
    },
  });

  route(app, docs, {
    method: 'GET',
    url: '/status/:slug/feed.atom',
    tag,
    summary: "A status page's incidents and their public updates as an Atom feed",
    role: null,
    responses: { 200: 'application/atom+xml', 404: 'No such page' },
    handler: async ({ params, request }, reply) => {
      const { page } = await built(params.slug as string);
      return sendFeed(request, reply, page, `/status/${page.data.slug}`);
    },
  });

  route(app, docs, {
    method: 'GET',
    url: '/status/:slug/badge.svg',
    tag,
    summary: "A badge of a status page's overall status",
    role: null,
    responses: { 200: 'image/svg+xml', 404: 'No such page' },
    handler: async ({ params }, reply) =>
      sendBadge(reply, overallBadge((await built(params.slug as string)).page.data)),
  });

  route(app, docs, {
    method: 'GET',
    url: '/status/:slug/badge/:name/status.svg',
    tag,
    summary: 'A badge of one service of a status page (by its public name): up, degraded, down, maintenance',
    role: null,
    responses: { 200: 'image/svg+xml', 404: 'No such page or service' },
    handler: async ({ params }, reply) =>
      sendBadge(reply, statusBadge((await serviceOf(params.slug as string, params.name as string)).service)),
  });

  route(app, docs, {
    method: 'GET',
    url: '/status/:slug/badge/:name/uptime.svg',
    tag,
    summary:
      'A badge of the uptime of one service of a status page over ?window=24h|7d|30d|90d (default 30d)',
    role: null,
    query: windowQuery,
    responses: { 200: 'image/svg+xml', 400: 'Unknown window', 404: 'No such page or service' },
    handler: async ({ params, query }, reply) => {
      const { service } = await serviceOf(params.slug as string, params.name as string);
      return sendBadge(reply, uptimeBadge(service, query.window as keyof typeof WINDOWS));
    },
  });

  route(app, docs, {
    method: 'GET',
    url: '/status/:slug/badge/:name/latency.svg',
    tag,
    summary: 'A badge of the median latency over 24 hours of one service, on pages that show latency',
    role: null,
    responses: { 200: 'image/svg+xml', 404: 'No such page or service, or the page does not show latency' },
    handler: async ({ params }, reply) =>
      sendBadge(reply, await latencyOf(params.slug as string, params.name as string)),
  });

  route(app, docs, {
    method: 'GET',
    url: '/status/:slug/badge/:name/shields.json',
    tag,
    summary: 'A badge in the shields.io endpoint format: ?metric=status|uptime|latency&window=30d',
    role: null,
    query: metricQuery,
    responses: {
      200: '{ schemaVersion: 1, label, message, color, cacheSeconds }',
      404: 'No such page or service',
    },
    handler: async ({ params, query }, reply) => {
      const slug = params.slug as string;
      const name = params.name as string;
      let badge: Badge;
      if (query.metric === 'latency') badge = await latencyOf(slug, name);
      else {
        const { service } = await serviceOf(slug, name);
        badge =
          query.metric === 'uptime'
            ? uptimeBadge(service, query.window as keyof typeof WINDOWS)
            : statusBadge(service);
      }
      return reply
        .header('cache-control', 'max-age=60')
        .header('access-control-allow-origin', '*')
        .send(shieldsJson(badge));
    },
  });
}
