import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../api/errors.js';

/** A built file, held in memory with its gzip form: the whole dashboard is a few hundred kilobytes. */
interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer | undefined;
  /** Vite names files under assets/ by their content: they never change, so browsers keep them. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** Paths the service answers itself: never the dashboard's index page. */
const SERVICE_PREFIXES = [
  '/api/',
  '/hb/',
  '/live',
  '/ready',
  '/health',
  '/metrics',
  '/status/',
  '/badge/',
  '/mcp',
];

/** Where `@mcpwatch/web` was built, or undefined when it was not (a checkout without `npm run build`). */
export function webDistDir(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('@mcpwatch/web/package.json');
    const dist = path.join(path.dirname(pkg), 'dist');
    return existsSync(path.join(dist, 'index.html')) ? dist : undefined;
  } catch {
    return undefined;
  }
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (sub: string) => {
    for (const name of readdirSync(path.join(dir, sub))) {
      const rel = path.posix.join(sub, name);
      if (statSync(path.join(dir, rel)).isDirectory()) {
        walk(rel);
        continue;
      }
      const body = readFileSync(path.join(dir, rel));
      const type = TYPES[path.extname(name)] ?? 'application/octet-stream';
      const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024;
      assets.set(`/${rel}`, {
        type,
        body,
        gzip: compressible ? gzipSync(body, { level: 9 }) : undefined,
        immutable: rel.startsWith('assets/'),
      });
    }
  };
  walk('');
  return assets;
}

/**
 * Serves the dashboard from `mcpwatch serve` itself: the built files from memory (gzip when the browser
 * takes it), and index.html for every other GET that is not the service's own (the dashboard routes in
 * the browser). Without a build, one page says how to make it.
 */
export function webRoutes(app: FastifyInstance, dir: string | undefined): void {
  const assets = dir ? loadAssets(dir) : new Map<string, Asset>();
  const index = assets.get('/index.html');
  const send = (request: FastifyRequest, reply: FastifyReply, asset: Asset) => {
    reply
      .type(asset.type)
      .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('vary', 'accept-encoding');
    if (asset.type.startsWith('text/html')) {
      // The dashboard loads nothing from any other host, and is never framed.
      reply
        .header(
          'content-security-policy',
          "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        )
        .header('x-frame-options', 'DENY');
    }
    const gzip = asset.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    if (gzip) reply.header('content-encoding', 'gzip');
    return reply.send(gzip ? asset.gzip : asset.body);
  };
  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    handler: async (request, reply) => {
      const pathname = decodeURIComponent(request.url.split('?')[0] ?? '/');
      if (SERVICE_PREFIXES.some((p) => pathname.startsWith(p))) {
        throw new ApiError(
          404,
          'not_found',
          `No route ${request.method} ${pathname}: see /api/v1/openapi.json`,
        );
      }
      const asset = assets.get(pathname);
      if (asset) return send(request, reply, asset);
      if (pathname.startsWith('/assets/')) return reply.code(404).type('text/plain').send('not found\n');
      if (!index) {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('The dashboard is not built: run `npm run build` (it builds packages/web), then reload.\n');
      }
      return send(request, reply, index);
    },
  });
}
