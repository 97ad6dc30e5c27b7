import { z } from 'zod';
import type { ProbeContext } from '../context.js';
import { ProbeFailure } from '../failure.js';
import { deepEqual, readPath } from '../json-path.js';
import { displayUrl, HttpOrigin, readBody } from '../net/http.js';
import { commonOptionsShape, prepare } from '../options.js';
import { snippet } from '../protocol/jsonrpc.js';
import type { ProbeResult } from '../result.js';
import { type Draft, runProbe } from '../run.js';

export const httpOptionsSchema = z
  .object({
    ...commonOptionsShape,
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().optional(),
    /** Accepted statuses: numbers or classes like "2xx". */
    expectStatus: z.array(z.union([z.number().int(), z.string().regex(/^[1-5]xx$/)])).default(['2xx']),
    bodyContains: z.string().optional(),
    bodyMatches: z.string().optional(),
    jsonPath: z.string().optional(),
    equals: z.unknown().optional(),
    /** Response headers that must be present; a value, when given, must match exactly (case-insensitive name). */
    expectHeaders: z.record(z.string(), z.string().optional()).default({}),
  })
  .strict();

export type HttpOptionsInput = z.input<typeof httpOptionsSchema>;
export type HttpOptions = z.output<typeof httpOptionsSchema>;

/** Probes a plain HTTP endpoint, such as the /healthz or /ready beside an MCP server. */
export async function probeHttp(
  target: string,
  input: HttpOptionsInput = {},
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const options = prepare(httpOptionsSchema, input);
  const url = parseHttpUrl(target);
  return runProbe('http', displayUrl(url), options, signal, (ctx, draft, cleanup) =>
    run(url, options, ctx, draft, cleanup),
  );
}

export function parseHttpUrl(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new TypeError(`"${target}" is not a URL: give one like https://host/healthz`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`"${target}" is not an http(s) URL`);
  }
  return url;
}

async function run(
  url: URL,
  options: HttpOptions,
  ctx: ProbeContext,
  draft: Draft,
  cleanup: (fn: () => Promise<void>) => void,
): Promise<string> {
  const origin = await HttpOrigin.open(url, ctx, options.tls);
  cleanup(() => origin.close());
  const { status, headers, body } = await ctx.phase('request', async (signal) => {
    const reply = await origin.request({
      method: options.method,
      url,
      headers: { 'user-agent': 'mcpwatch', ...options.headers },
      ...(options.body !== undefined ? { body: options.body } : {}),
      signal,
    });
    return { status: reply.status, headers: reply.headers, body: await readBody(reply, options.maxBytes) };
  });
  draft.http = { status, bodyBytes: body.length };
  const statusOk = options.expectStatus.some((e) =>
    typeof e === 'number' ? e === status : e[0] === String(status)[0],
  );
  if (!ctx.check('status', statusOk, `HTTP ${status}`)) {
    throw new ProbeFailure(
      'http_status',
      `HTTP ${status}, expected ${options.expectStatus.join(' or ')}: ${snippet(body.toString())}`,
      'request',
    );
  }
  for (const [name, expected] of Object.entries(options.expectHeaders)) {
    const raw = headers[name.toLowerCase()];
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    const ok = value !== undefined && (expected === undefined || value === expected);
    if (!ctx.check(`header ${name}`, ok, value === undefined ? 'absent' : `${name}: ${value}`)) {
      throw new ProbeFailure(
        'assertion_failed',
        `Header ${name} is ${value === undefined ? 'absent' : `"${value}"`}, expected ${expected ?? 'present'}`,
        'request',
      );
    }
  }
  const text = options.bodyContains !== undefined || options.bodyMatches !== undefined ? body.toString() : '';
  if (
    options.bodyContains !== undefined &&
    !ctx.check('body_contains', text.includes(options.bodyContains), `contains "${options.bodyContains}"`)
  ) {
    throw new ProbeFailure(
      'assertion_failed',
      `The body lacks "${options.bodyContains}": ${snippet(text)}`,
      'request',
    );
  }
  if (
    options.bodyMatches !== undefined &&
    !ctx.check('body_matches', new RegExp(options.bodyMatches).test(text), `/${options.bodyMatches}/`)
  ) {
    throw new ProbeFailure(
      'assertion_failed',
      `The body does not match /${options.bodyMatches}/: ${snippet(text)}`,
      'request',
    );
  }
  if (options.jsonPath !== undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(body.toString());
    } catch {
      throw new ProbeFailure(
        'invalid_json',
        `The body is not JSON, so ${options.jsonPath} cannot be read: ${snippet(body.toString())}`,
        'request',
      );
    }
    const got = readPath(doc, options.jsonPath);
    const ok = got.found && ('equals' in options ? deepEqual(got.value, options.equals) : true);
    const seen = got.found ? JSON.stringify(got.value) : 'absent';
    if (!ctx.check('json_path', ok, `${options.jsonPath} is ${seen}`)) {
      throw new ProbeFailure(
        'assertion_failed',
        `${options.jsonPath} is ${snippet(seen, 60)}, expected ${expectedText(options)}`,
        'request',
      );
    }
  }
  return `HTTP ${status} from ${url.host} in ${Math.round(ctx.elapsed())} ms`;
}

/** What a jsonPath check wanted: with no `equals` it only needed a value (JSON.stringify gives undefined). */
function expectedText(options: { equals?: unknown }): string {
  return 'equals' in options ? snippet(String(JSON.stringify(options.equals)), 60) : 'a value';
}
