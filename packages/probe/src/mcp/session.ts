import type { ProbeContext } from '../context.js';
import { ProbeFailure } from '../failure.js';
import { classifyDiscover, type DiscoverOutcome, rpcErrorInBody } from '../protocol/era.js';
import type { RpcReply } from '../protocol/jsonrpc.js';
import { eraOf, LATEST_LEGACY, LATEST_MODERN, META, RPC } from '../protocol/versions.js';
import type { Era, McpInfo, ToolInfo } from '../result.js';
import { assertCall, readCallResult } from './assert-call.js';
import { type Channel, rpcFailure } from './channel.js';
import type { McpOptions } from './options.js';
import { paramHeaders } from './param-headers.js';
import { toolsHash, toToolInfo } from './tools.js';

/**
 * The steps of an MCP probe over any channel: agree on an era, then list tools (every page) and run the
 * optional checks. What was learned accumulates in `info` so a failure late in the run still reports it.
 */
export class Session {
  private meta: Record<string, unknown> | undefined;

  constructor(
    private readonly channel: Channel,
    private readonly ctx: ProbeContext,
    private readonly options: McpOptions,
    readonly info: McpInfo,
  ) {}

  /** Decides the era as the 2026-07-28 backward-compatibility rules say, unless the options force it. */
  async handshake(discoverSignal?: () => AbortSignal): Promise<Era> {
    const { era } = this.options;
    if (era === 'legacy') {
      await this.initialize();
      return 'legacy';
    }
    const tried: string[] = [];
    let version =
      this.options.protocolVersion && eraOf(this.options.protocolVersion) === 'modern'
        ? this.options.protocolVersion
        : LATEST_MODERN;
    for (;;) {
      tried.push(version);
      const outcome = await this.discover(version, discoverSignal);
      const verdict = classifyDiscover(outcome.outcome, tried);
      switch (verdict.kind) {
        case 'modern':
          this.useModern(verdict.version, verdict.supportedVersions, outcome.reply?.result ?? {});
          return 'modern';
        case 'retry':
          version = verdict.version;
          continue;
        case 'legacy':
          if (era === 'modern') {
            throw new ProbeFailure(
              'protocol_unsupported',
              `The server gave no sign of speaking ${version}: it is not a modern MCP server`,
              'handshake',
            );
          }
          await this.initialize();
          return 'legacy';
        case 'auth':
          throw outcome.failure ?? new ProbeFailure('auth_required', `HTTP ${verdict.status}`, 'handshake');
        case 'unsupported':
          throw new ProbeFailure('protocol_unsupported', `server/discover: ${verdict.detail}`, 'handshake');
        case 'error':
          throw (
            outcome.failure ??
            new ProbeFailure('invalid_response', `server/discover: ${verdict.detail}`, 'handshake')
          );
      }
    }
  }

  private async discover(
    version: string,
    discoverSignal?: () => AbortSignal,
  ): Promise<{ outcome: DiscoverOutcome; reply?: RpcReply; failure?: ProbeFailure }> {
    this.channel.era = 'modern';
    this.channel.protocolVersion = version;
    this.meta = this.envelope(version);
    try {
      const reply = await this.ctx.phase('handshake', (signal) =>
        this.channel.request(
          'server/discover',
          { _meta: this.meta },
          discoverSignal ? AbortSignal.any([signal, discoverSignal()]) : signal,
        ),
      );
      if (reply.error) {
        return { outcome: { kind: 'rpc-error', ...reply.error }, reply };
      }
      return { outcome: { kind: 'result', result: reply.result ?? {} }, reply };
    } catch (error) {
      if (!(error instanceof ProbeFailure)) throw error;
      if (error.http)
        return {
          outcome: { kind: 'http-error', status: error.http.status, body: error.http.body },
          failure: error,
        };
      if (error.reason === 'invalid_json' || error.reason === 'invalid_response') {
        return { outcome: { kind: 'unusable', detail: error.message }, failure: error };
      }
      // On stdio a legacy server may stay silent on an unknown method; the SDK reads that as legacy too.
      if (
        error.reason === 'timeout' &&
        this.channel.transport === 'stdio' &&
        discoverSignal &&
        !this.ctx.signal.aborted
      ) {
        return { outcome: { kind: 'rpc-error', code: -32601, message: 'no answer to server/discover' } };
      }
      throw error;
    } finally {
      this.channel.era = undefined;
      this.channel.protocolVersion = undefined;
    }
  }

  private envelope(version: string): Record<string, unknown> {
    return {
      [META.protocolVersion]: version,
      [META.clientInfo]: this.options.clientInfo,
      [META.clientCapabilities]: {},
    };
  }

  private useModern(version: string, supportedVersions: string[], result: Record<string, unknown>): void {
    this.channel.era = 'modern';
    this.channel.protocolVersion = version;
    this.meta = this.envelope(version);
    Object.assign(this.info, { era: 'modern', protocolVersion: version, supportedVersions });
    const meta = (result._meta ?? {}) as Record<string, unknown>;
    const serverInfo = (meta[META.serverInfo] ?? result.serverInfo) as McpInfo['serverInfo'] | undefined;
    if (serverInfo) this.info.serverInfo = pickServerInfo(serverInfo);
    if (result.capabilities && typeof result.capabilities === 'object') {
      this.info.capabilities = result.capabilities as Record<string, unknown>;
    }
    if (typeof result.instructions === 'string') this.info.instructions = result.instructions;
  }

  private async initialize(): Promise<void> {
    this.meta = undefined;
    const requested =
      this.options.protocolVersion && eraOf(this.options.protocolVersion) === 'legacy'
        ? this.options.protocolVersion
        : LATEST_LEGACY;
    const reply = await this.ctx.phase('handshake', async (signal) => {
      const reply = await this.channel
        .request(
          'initialize',
          { protocolVersion: requested, capabilities: {}, clientInfo: this.options.clientInfo },
          signal,
        )
        .catch((error: unknown) => {
          throw (
            modernOnly(error instanceof ProbeFailure ? rpcErrorInBody(error.http?.body) : undefined) ?? error
          );
        });
      if (reply.error) throw modernOnly(reply.error) ?? rpcFailure('initialize', reply);
      const result = reply.result ?? {};
      const version = result.protocolVersion;
      if (typeof version !== 'string' || eraOf(version) !== 'legacy') {
        throw new ProbeFailure(
          'protocol_unsupported',
          `initialize negotiated "${String(version)}", a revision the probe does not speak`,
        );
      }
      this.channel.era = 'legacy';
      this.channel.protocolVersion = version;
      await this.channel.notify('notifications/initialized', undefined, signal);
      return reply;
    });
    const result = reply.result ?? {};
    Object.assign(this.info, { era: 'legacy', protocolVersion: result.protocolVersion as string });
    if (result.serverInfo && typeof result.serverInfo === 'object') {
      this.info.serverInfo = pickServerInfo(result.serverInfo as Record<string, unknown>);
    }
    if (result.capabilities && typeof result.capabilities === 'object') {
      this.info.capabilities = result.capabilities as Record<string, unknown>;
    }
    if (typeof result.instructions === 'string') this.info.instructions = result.instructions;
  }

  /** Sends a request in the agreed era: modern requests carry the `_meta` envelope. */
  private async call(
    method: string,
    params: Record<string, unknown> | undefined,
    signal: AbortSignal,
    headers?: Record<string, string>,
  ): Promise<Record<string, unknown>> {
    const withMeta = this.meta
      ? { ...params, _meta: { ...(params?._meta as object), ...this.meta } }
      : params;
    const reply = await this.channel.request(method, withMeta, signal, headers);
    if (reply.error) throw rpcFailure(method, reply);
    return reply.result ?? {};
  }

  async listTools(): Promise<ToolInfo[]> {
    const tools: ToolInfo[] = [];
    await this.ctx.phase('tools', async (signal) => {
      const seen = new Set<string>();
      let cursor: string | undefined;
      for (let page = 0; page < this.options.maxToolPages; page++) {
        const result = await this.call('tools/list', cursor ? { cursor } : undefined, signal);
        if (!Array.isArray(result.tools))
          throw new ProbeFailure('invalid_response', 'tools/list returned no tools array');
        for (const raw of result.tools) {
          const tool = toToolInfo(raw);
          if (tool) tools.push(tool);
        }
        cursor =
          typeof result.nextCursor === 'string' && result.nextCursor !== '' ? result.nextCursor : undefined;
        if (!cursor) return;
        if (seen.has(cursor))
          throw new ProbeFailure('invalid_response', `tools/list returned the cursor "${cursor}" twice`);
        seen.add(cursor);
      }
      throw new ProbeFailure(
        'invalid_response',
        `tools/list still had more pages after ${this.options.maxToolPages}`,
      );
    });
    this.info.tools = tools;
    this.info.toolsHash = toolsHash(tools);
    const missing = this.options.expectTools.filter((name) => !tools.some((t) => t.name === name));
    if (
      !this.ctx.check(
        'expected_tools',
        missing.length === 0,
        missing.length ? `missing ${missing.join(', ')}` : 'all present',
      )
    ) {
      throw new ProbeFailure(
        'tool_missing',
        `Expected tool${missing.length > 1 ? 's' : ''} missing: ${missing.join(', ')}`,
        'tools',
      );
    }
    return tools;
  }

  async ping(): Promise<void> {
    await this.ctx.phase('ping', (signal) => this.call('ping', undefined, signal));
  }

  /**
   * The same agreed session for a later check of a kept-alive server: each check has its own deadline,
   * timings and result, while the era and its `_meta` envelope stay as the handshake set them.
   */
  resume(ctx: ProbeContext, info: McpInfo): Session {
    const next = new Session(this.channel, ctx, this.options, info);
    next.meta = this.meta;
    return next;
  }

  /**
   * Asks a session that already agreed on an era whether the server still answers, timed as the ping
   * phase: `ping` in the legacy era (unless the options turn it off, for servers that lack it), and
   * `server/discover` in the modern era, which has no ping.
   */
  async alive(): Promise<void> {
    if (this.info.era === 'modern') {
      await this.ctx.phase('ping', (signal) => this.call('server/discover', undefined, signal));
    } else if (this.options.ping) {
      await this.ping();
    }
  }

  async countList(method: 'resources/list' | 'prompts/list', key: 'resources' | 'prompts'): Promise<number> {
    return this.ctx.phase(key, async (signal) => {
      let count = 0;
      let cursor: string | undefined;
      for (let page = 0; page < this.options.maxToolPages; page++) {
        const result = await this.call(method, cursor ? { cursor } : undefined, signal);
        count += Array.isArray(result[key]) ? (result[key] as unknown[]).length : 0;
        cursor =
          typeof result.nextCursor === 'string' && result.nextCursor !== '' ? result.nextCursor : undefined;
        if (!cursor) break;
      }
      return count;
    });
  }

  async callTool(tools: ToolInfo[]): Promise<void> {
    const call = this.options.call;
    if (!call) return;
    const tool = tools.find((t) => t.name === call.tool);
    if (!tool)
      throw new ProbeFailure(
        'tool_missing',
        `The tool to call, ${call.tool}, is not in the tool list`,
        'call',
      );
    // Modern HTTP calls mirror marked arguments into Mcp-Param-* headers; a malformed marking stops the call.
    const headers =
      this.info.era === 'modern' && this.channel.transport === 'streamable-http'
        ? paramHeaders(tool, call.arguments)
        : undefined;
    const result = await this.ctx.phase('call', (signal) =>
      this.call('tools/call', { name: call.tool, arguments: call.arguments }, signal, headers),
    );
    const outcome = readCallResult(result);
    this.info.toolCall = { name: call.tool, isError: outcome.isError, text: outcome.text.slice(0, 4096) };
    if (outcome.structuredContent !== undefined)
      this.info.toolCall.structuredContent = outcome.structuredContent;
    assertCall(outcome, tool, call, this.ctx);
  }

  /** Everything after the handshake, in the order a client would do it; `ping: false` after alive(). */
  async run(ping = this.options.ping): Promise<void> {
    const tools = await this.listTools();
    if (ping && this.info.era === 'legacy') await this.ping();
    if (this.options.listResources) this.info.resources = await this.countList('resources/list', 'resources');
    if (this.options.listPrompts) this.info.prompts = await this.countList('prompts/list', 'prompts');
    await this.callTool(tools);
  }
}

function pickServerInfo(raw: Record<string, unknown>): NonNullable<McpInfo['serverInfo']> {
  const info: NonNullable<McpInfo['serverInfo']> = {};
  if (typeof raw.name === 'string') info.name = raw.name;
  if (typeof raw.version === 'string') info.version = raw.version;
  if (typeof raw.title === 'string') info.title = raw.title;
  return info;
}

/** A refusal of `initialize` that lists only modern revisions: the server has dropped the legacy era. */
function modernOnly(error: { code: number; data?: unknown } | undefined): ProbeFailure | undefined {
  if (error?.code !== RPC.unsupportedProtocolVersion) return undefined;
  const supported = (error.data as { supported?: unknown } | undefined)?.supported;
  const list = Array.isArray(supported) ? supported.join(', ') : 'modern revisions only';
  return new ProbeFailure(
    'protocol_unsupported',
    `The server refused initialize: it speaks ${list}, not the legacy handshake`,
  );
}
