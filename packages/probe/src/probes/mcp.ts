import { ProbeContext } from '../context.js';
import { ProbeFailure } from '../failure.js';
import {
  type McpOptions,
  type McpOptionsInput,
  mcpOptionsSchema,
  type StdioTargetInput,
  stdioTargetSchema,
} from '../mcp/options.js';
import { Session } from '../mcp/session.js';
import { SseChannel } from '../mcp/sse.js';
import { overStdio, StdioChannel, type StdioTarget, stdioHandshake } from '../mcp/stdio.js';
import { StreamableHttpChannel } from '../mcp/streamable-http.js';
import { displayUrl, HttpOrigin, readBody } from '../net/http.js';
import { prepare } from '../options.js';
import { metadataUrls, parseChallenge } from '../protocol/auth.js';
import { initializeSuggestsSse } from '../protocol/era.js';
import type { AuthInfo, McpInfo, ProbeResult } from '../result.js';
import { type Draft, runProbe } from '../run.js';

export type McpTarget = string | StdioTargetInput;

/**
 * Probes an MCP server as a real client would: a URL over Streamable HTTP or legacy HTTP+SSE (detected
 * unless forced), or a command over stdio.
 */
export async function probeMcp(
  target: McpTarget,
  input: McpOptionsInput = {},
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const options = prepare(mcpOptionsSchema, input);
  const conflict = optionConflict(typeof target === 'string', options);
  if (conflict) throw new TypeError(conflict);
  if (typeof target !== 'string') {
    const stdio = stdioTargetSchema.parse(target);
    const label = [stdio.command, ...stdio.args].join(' ');
    return runProbe('mcp', label, options, signal, (ctx, draft, cleanup) =>
      probeStdio(stdio, options, ctx, draft, cleanup),
    );
  }
  let url: URL;
  try {
    url = new URL(target);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new TypeError(`"${target}" is not an http(s) URL: give the MCP endpoint, like https://host/mcp`);
  }
  return runProbe('mcp', displayUrl(url), options, signal, (ctx, draft, cleanup) =>
    probeUrl(url, options, ctx, draft, cleanup),
  );
}

/** Combinations no server could satisfy are the caller's mistake, said before anything is sent. */
function optionConflict(isUrl: boolean, options: McpOptions): string | undefined {
  if (isUrl && options.transport === 'stdio') return 'transport "stdio" needs a command, not a URL';
  if (!isUrl && options.transport !== 'auto' && options.transport !== 'stdio') {
    return `transport "${options.transport}" needs a URL, not a command`;
  }
  if (options.transport === 'sse' && options.era === 'modern') {
    return 'the HTTP+SSE transport predates the modern era: use transport "streamable-http" or era "legacy"';
  }
  return undefined;
}

async function probeUrl(
  url: URL,
  options: McpOptions,
  ctx: ProbeContext,
  draft: Draft,
  cleanup: (fn: () => Promise<void>) => void,
): Promise<string> {
  const headers = options.headers;
  const origin = await HttpOrigin.open(url, ctx, options.tls);
  const info: McpInfo = { transport: options.transport === 'sse' ? 'sse' : 'streamable-http' };
  draft.mcp = info;
  try {
    if (options.transport === 'sse') return await overSse(url, origin, options, ctx, info, cleanup);
    const channel = new StreamableHttpChannel(origin, url, headers, options.maxBytes);
    cleanup(() => channel.close());
    const session = new Session(channel, ctx, options, info);
    try {
      await session.handshake();
    } catch (error) {
      // The 2024-11-05 fallback: initialize refused with 400/404/405 means the URL may be an SSE endpoint.
      const status = error instanceof ProbeFailure ? error.http?.status : undefined;
      if (
        options.transport !== 'auto' ||
        status === undefined ||
        !initializeSuggestsSse(status) ||
        info.era === 'modern'
      )
        throw error;
      const sseOrigin = await HttpOrigin.open(url, ctx, options.tls);
      info.transport = 'sse';
      return await overSse(url, sseOrigin, options, ctx, info, cleanup);
    }
    info.sessionId = channel.sessionId !== undefined;
    await session.run();
    return summary(info, ctx);
  } catch (error) {
    if (error instanceof ProbeFailure && error.reason === 'auth_required' && error.http) {
      draft.auth = await discoverAuth(url, error.http.status, error.http.wwwAuthenticate, options, ctx);
    }
    throw error;
  }
}

async function overSse(
  url: URL,
  origin: HttpOrigin,
  options: McpOptions,
  ctx: ProbeContext,
  info: McpInfo,
  cleanup: (fn: () => Promise<void>) => void,
): Promise<string> {
  info.transport = 'sse';
  const channel = await ctx
    .phase('handshake', () =>
      SseChannel.open(origin, url, () => HttpOrigin.open(url, ctx, options.tls), options.headers, ctx),
    )
    .catch(async (error) => {
      await origin.close();
      throw error;
    });
  cleanup(() => channel.close());
  // HTTP+SSE predates server/discover: only the legacy handshake exists there.
  const session = new Session(channel, ctx, { ...options, era: 'legacy' }, info);
  await session.handshake();
  await session.run();
  return summary(info, ctx);
}

async function probeStdio(
  target: StdioTarget,
  options: McpOptions,
  ctx: ProbeContext,
  draft: Draft,
  cleanup: (fn: () => Promise<void>) => void,
): Promise<string> {
  const info: McpInfo = { transport: 'stdio' };
  draft.mcp = info;
  // Cleanup is registered before the wait, so a child started as the deadline or a cancel hits is still ended.
  const spawning = StdioChannel.spawn(target, options.maxBytes);
  spawning.catch(() => {});
  let channel: StdioChannel | undefined;
  cleanup(async () => {
    channel ??= await spawning.catch(() => undefined);
    if (!channel) return;
    await channel.close();
    info.exitCode = channel.exit?.code ?? null;
    info.signal = channel.exit?.signal ?? null;
    if (channel.stderr.length) info.stderr = channel.stderr.slice(-20);
  });
  channel = await ctx.phase('spawn', () => spawning);
  const session = new Session(channel, ctx, options, info);
  await overStdio(channel, ctx, info, async () => {
    await stdioHandshake(session, options, ctx);
    await session.run();
  });
  return summary(info, ctx);
}

/** The one-line verdict of an MCP check that succeeded. */
export function summary(info: McpInfo, ctx: ProbeContext): string {
  const name = info.serverInfo?.name
    ? `${info.serverInfo.name}${info.serverInfo.version ? ` ${info.serverInfo.version}` : ''}`
    : 'MCP server';
  const tools = info.tools?.length ?? 0;
  return `${name} is up: ${tools} tool${tools === 1 ? '' : 's'}, ${info.protocolVersion} (${info.era}) over ${info.transport} in ${Math.round(ctx.elapsed())} ms`;
}

/**
 * Looks up where a client would get a token (RFC 9728 protected-resource metadata), within a short
 * budget of its own so a slow metadata host cannot stretch the probe much.
 */
async function discoverAuth(
  url: URL,
  status: number,
  wwwAuthenticate: string | undefined,
  options: McpOptions,
  ctx: ProbeContext,
): Promise<AuthInfo> {
  const auth: AuthInfo = { status };
  if (wwwAuthenticate) auth.wwwAuthenticate = wwwAuthenticate;
  const scope = parseChallenge(wwwAuthenticate).params.scope;
  if (scope) auth.scopes = scope.split(/\s+/);
  const remaining = options.timeoutMs - ctx.elapsed();
  if (remaining < 100) return auth;
  const sub = new ProbeContext({ timeoutMs: Math.floor(Math.min(2000, remaining)), maxBytes: 256 * 1024 });
  try {
    for (const candidate of metadataUrls(url, wwwAuthenticate)) {
      auth.resourceMetadataUrl = candidate;
      let origin: HttpOrigin | undefined;
      try {
        const metaUrl = new URL(candidate);
        origin = await HttpOrigin.open(metaUrl, sub, options.tls);
        const reply = await origin.request({
          method: 'GET',
          url: metaUrl,
          headers: { accept: 'application/json' },
          signal: sub.signal,
        });
        const body = await readBody(reply, sub.budget.maxBytes);
        if (reply.status !== 200) continue;
        const doc = JSON.parse(body.toString()) as Record<string, unknown>;
        auth.resourceMetadata = doc;
        if (Array.isArray(doc.authorization_servers))
          auth.authorizationServers = doc.authorization_servers.map(String);
        if (!auth.scopes && Array.isArray(doc.scopes_supported))
          auth.scopes = doc.scopes_supported.map(String);
        return auth;
      } catch {
        // Metadata is a courtesy: the verdict stays auth_required whether or not it is found.
      } finally {
        await origin?.close();
      }
    }
  } finally {
    sub.dispose();
  }
  return auth;
}
