import { z } from 'zod';
import type { ProbeContext } from '../context.js';
import { ProbeFailure } from '../failure.js';
import { HttpOrigin, readBody } from '../net/http.js';
import { commonOptionsShape, prepare } from '../options.js';
import { snippet } from '../protocol/jsonrpc.js';
import type { ProbeResult } from '../result.js';
import { type Draft, runProbe } from '../run.js';

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org/';

/** npm's rules for a published name: lower case, URL-safe, optionally under one @scope. */
export const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

export const npmOptionsSchema = z
  .object({
    ...commonOptionsShape,
    registry: z
      .url({
        protocol: /^https?$/,
        error: 'give the registry as an http(s) URL, like https://registry.npmjs.org/',
      })
      .default(DEFAULT_NPM_REGISTRY)
      .describe('The registry to ask; a private registry or a mirror works too.'),
    distTag: z.string().min(1).default('latest').describe('The dist-tag whose version is watched.'),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .describe('For a private registry: an authorization header.'),
  })
  .strict();

export type NpmOptionsInput = z.input<typeof npmOptionsSchema>;
export type NpmOptions = z.output<typeof npmOptionsSchema>;

/**
 * Reads a package's published version from an npm registry, as `npm view` would: the abbreviated
 * metadata document (small even for packages with thousands of versions). A monitor compares the
 * version between runs to announce a release of an MCP server it watches.
 */
export async function probeNpm(
  name: string,
  input: NpmOptionsInput = {},
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const options = prepare(npmOptionsSchema, input);
  if (!NPM_NAME.test(name))
    throw new TypeError(`"${name}" is not an npm package name, like @scope/server-name`);
  const base = options.registry.replace(/\/+$/, '');
  // Scoped names keep their @ and encode the slash, as the registry API expects.
  const url = new URL(`${base}/${name.replace('/', '%2f')}`);
  return runProbe('npm', name, options, signal, (ctx, draft, cleanup) =>
    run(name, url, options, ctx, draft, cleanup),
  );
}

async function run(
  name: string,
  url: URL,
  options: NpmOptions,
  ctx: ProbeContext,
  draft: Draft,
  cleanup: (fn: () => Promise<void>) => void,
): Promise<string> {
  const origin = await HttpOrigin.open(url, ctx, options.tls);
  cleanup(() => origin.close());
  const { status, body } = await ctx.phase('request', async (signal) => {
    const reply = await origin.request({
      method: 'GET',
      url,
      headers: {
        accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8',
        ...options.headers,
      },
      signal,
    });
    return { status: reply.status, body: await readBody(reply, options.maxBytes) };
  });
  if (status === 404)
    throw new ProbeFailure('http_status', `The registry has no package named ${name}`, 'request');
  if (status === 401 || status === 403) {
    throw new ProbeFailure(
      'auth_required',
      `The registry refused to show ${name} (HTTP ${status}): give it a token header`,
      'request',
    );
  }
  if (status !== 200)
    throw new ProbeFailure(
      'http_status',
      `The registry answered HTTP ${status}: ${snippet(body.toString())}`,
      'request',
    );
  let doc: { 'dist-tags'?: Record<string, unknown>; modified?: unknown };
  try {
    doc = JSON.parse(body.toString());
  } catch {
    throw new ProbeFailure(
      'invalid_json',
      `The registry's answer is not JSON: ${snippet(body.toString())}`,
      'request',
    );
  }
  const tags = Object.fromEntries(
    Object.entries(doc['dist-tags'] ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  const version = tags[options.distTag];
  if (!version)
    throw new ProbeFailure('invalid_response', `${name} has no "${options.distTag}" dist-tag`, 'request');
  draft.npm = {
    name,
    version,
    distTags: tags,
    ...(typeof doc.modified === 'string' ? { modified: doc.modified } : {}),
  };
  return `${name}@${version} is the ${options.distTag} release (${Math.round(ctx.elapsed())} ms)`;
}
