import {
  type HttpOptionsInput,
  httpOptionsSchema,
  type McpOptionsInput,
  mcpOptionsSchema,
  type TcpOptionsInput,
  tcpOptionsSchema,
} from '@mcpwatch/probe';
import type { z } from 'zod';
import { substitute, substituteDeep, type VariableSource } from './env-vars.js';
import { jsonErrorText } from './jsonc.js';
import { UsageError } from './usage-error.js';

/** Flags every probe kind takes: the time budget, the byte limit and TLS. Numbers arrive parsed. */
export interface CommonFlags {
  timeout?: number;
  phaseTimeout?: number;
  slow?: number;
  maxBytes?: number;
  insecure?: boolean;
  /** PEM text of the --ca files, read by the command. */
  ca?: string[];
  certWarnDays?: number;
}

export interface McpFlags extends CommonFlags {
  header?: string[];
  transport?: McpOptionsInput['transport'];
  era?: McpOptionsInput['era'];
  protocolVersion?: string;
  expectTool?: string[];
  /** Commander sets this to false for --no-ping. */
  ping?: boolean;
  resources?: boolean;
  prompts?: boolean;
  call?: string;
  args?: string;
  expectText?: string;
  expectMatch?: string;
  jsonPath?: string;
  equals?: string;
}

export interface HttpFlags extends CommonFlags {
  header?: string[];
  method?: string;
  body?: string;
  expectStatus?: string[];
  expectText?: string;
  expectMatch?: string;
  jsonPath?: string;
  equals?: string;
  expectHeader?: string[];
}

export interface TcpFlags extends CommonFlags {
  send?: string;
  expectText?: string;
  expectMatch?: string;
  tls?: boolean;
}

/** Turns the MCP flags into probe options; bad values are usage errors naming the flag. */
export function mcpOptionsFromFlags(flags: McpFlags, source: VariableSource): McpOptionsInput {
  const options: McpOptionsInput = { ...commonOptions(flags) };
  if (flags.transport) options.transport = flags.transport;
  if (flags.era) options.era = flags.era;
  if (flags.transport === 'sse' && flags.era === 'modern') {
    throw new UsageError(
      'The legacy HTTP+SSE transport predates the modern era: use --transport streamable-http, or --era legacy',
    );
  }
  if (flags.protocolVersion) options.protocolVersion = flags.protocolVersion;
  if (flags.header?.length) options.headers = parseHeaders(flags.header, source);
  if (flags.expectTool?.length) options.expectTools = flags.expectTool;
  if (flags.ping === false) options.ping = false;
  if (flags.resources) options.listResources = true;
  if (flags.prompts) options.listPrompts = true;
  const needsCall: [string, unknown][] = [
    ['--args', flags.args],
    ['--expect-text', flags.expectText],
    ['--expect-match', flags.expectMatch],
    ['--json-path', flags.jsonPath],
  ];
  if (flags.call === undefined) {
    const stray = needsCall.find(([, value]) => value !== undefined);
    if (stray) throw new UsageError(`${stray[0]} checks a tool call: add --call TOOL to say which tool`);
    if (flags.equals !== undefined) throw new UsageError('--equals needs --call TOOL and --json-path PATH');
  } else {
    const call: NonNullable<McpOptionsInput['call']> = { tool: flags.call };
    if (flags.args !== undefined) {
      const args = parseJsonFlag('--args', flags.args, `'{"text":"hi"}'`);
      if (args === null || typeof args !== 'object' || Array.isArray(args)) {
        throw new UsageError(`--args must be a JSON object of tool arguments, like --args '{"text":"hi"}'`);
      }
      call.arguments = substituteDeep(args, source, '--args') as Record<string, unknown>;
    }
    if (flags.expectText !== undefined) call.textContains = flags.expectText;
    if (flags.expectMatch !== undefined) call.textMatches = checkRegex('--expect-match', flags.expectMatch);
    Object.assign(call, jsonPathCheck(flags));
    options.call = call;
  }
  return validate(mcpOptionsSchema, options);
}

export function httpOptionsFromFlags(flags: HttpFlags, source: VariableSource): HttpOptionsInput {
  const options: HttpOptionsInput = { ...commonOptions(flags) };
  if (flags.method) {
    options.method = flags.method.toUpperCase() as HttpOptionsInput['method'];
  }
  if (flags.header?.length) options.headers = parseHeaders(flags.header, source);
  if (flags.body !== undefined) options.body = substitute(flags.body, source, '--body');
  if (flags.expectStatus?.length) {
    options.expectStatus = flags.expectStatus.flatMap((s) => s.split(',')).map(parseStatus);
  }
  if (flags.expectText !== undefined) options.bodyContains = flags.expectText;
  if (flags.expectMatch !== undefined) options.bodyMatches = checkRegex('--expect-match', flags.expectMatch);
  Object.assign(options, jsonPathCheck(flags));
  if (flags.expectHeader?.length) {
    const expected: Record<string, string | undefined> = {};
    for (const raw of flags.expectHeader) {
      // "Name" demands presence; "Name: value" demands that exact value.
      const colon = raw.indexOf(':');
      const name = (colon === -1 ? raw : raw.slice(0, colon)).trim();
      if (!HEADER_NAME.test(name)) {
        throw new UsageError(
          `--expect-header "${raw}" is not "Name" or "Name: value": write it like --expect-header "Cache-Control: no-store"`,
        );
      }
      expected[name] = colon === -1 ? undefined : raw.slice(colon + 1).trim();
    }
    options.expectHeaders = expected;
  }
  return validate(httpOptionsSchema, options);
}

export function tcpOptionsFromFlags(flags: TcpFlags, source: VariableSource): TcpOptionsInput {
  const options: TcpOptionsInput = { ...commonOptions(flags) };
  if (flags.tls) options.secure = true;
  if (flags.send !== undefined) options.send = decodeEscapes(substitute(flags.send, source, '--send'));
  if (flags.expectText !== undefined) options.expect = decodeEscapes(flags.expectText);
  if (flags.expectMatch !== undefined)
    options.expectMatches = checkRegex('--expect-match', flags.expectMatch);
  return validate(tcpOptionsSchema, options);
}

/** The options every probe kind shares, typed off the probe's own schema. */
type CommonOptions = Pick<TcpOptionsInput, 'timeoutMs' | 'phaseTimeoutMs' | 'slowMs' | 'maxBytes' | 'tls'>;

function commonOptions(flags: CommonFlags): CommonOptions {
  const options: CommonOptions = {};
  if (flags.timeout !== undefined) options.timeoutMs = flags.timeout;
  if (flags.phaseTimeout !== undefined) options.phaseTimeoutMs = flags.phaseTimeout;
  if (flags.slow !== undefined) options.slowMs = flags.slow;
  if (flags.maxBytes !== undefined) options.maxBytes = flags.maxBytes;
  const tls: NonNullable<typeof options.tls> = {};
  if (flags.insecure) tls.insecure = true;
  if (flags.ca?.length) tls.ca = flags.ca;
  if (flags.certWarnDays !== undefined) tls.expiryWarnDays = flags.certWarnDays;
  if (Object.keys(tls).length) options.tls = tls;
  return options;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `-H "Name: value"`, repeatable; `${VAR}` in the value comes from the environment. */
export function parseHeaders(raw: readonly string[], source: VariableSource): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of raw) {
    const colon = entry.indexOf(':');
    const name = colon === -1 ? '' : entry.slice(0, colon).trim();
    if (!HEADER_NAME.test(name)) {
      throw new UsageError(
        `--header "${entry}" is not "Name: value": write it like -H 'Authorization: Bearer \${TOKEN}'`,
      );
    }
    headers[name] = substitute(entry.slice(colon + 1).trim(), source, `--header ${name}`);
  }
  return headers;
}

/** `--env KEY=VALUE`, repeatable, for a stdio server; `${VAR}` in the value comes from the environment. */
export function parseEnvPairs(raw: readonly string[], source: VariableSource): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of raw) {
    const eq = entry.indexOf('=');
    const key = eq === -1 ? '' : entry.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new UsageError(`--env "${entry}" is not KEY=VALUE: write it like --env 'API_KEY=\${API_KEY}'`);
    }
    env[key] = substitute(entry.slice(eq + 1), source, `--env ${key}`);
  }
  return env;
}

function parseJsonFlag(flag: string, text: string, example: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const why = jsonErrorText(error);
    throw new UsageError(
      `${flag} is not valid JSON (${why}): quote it for the shell, like ${flag} ${example}`,
    );
  }
}

function jsonPathCheck(flags: { jsonPath?: string; equals?: string }): {
  jsonPath?: string;
  equals?: unknown;
} {
  if (flags.jsonPath === undefined) {
    if (flags.equals !== undefined)
      throw new UsageError('--equals compares the value at --json-path PATH: add --json-path');
    return {};
  }
  if (!flags.jsonPath.startsWith('$')) {
    throw new UsageError(`--json-path "${flags.jsonPath}" must start with $, like $.items[0].id`);
  }
  return flags.equals === undefined
    ? { jsonPath: flags.jsonPath }
    : { jsonPath: flags.jsonPath, equals: parseJsonFlag('--equals', flags.equals, `'"ok"' or 42`) };
}

function checkRegex(flag: string, pattern: string): string {
  try {
    new RegExp(pattern);
  } catch (error) {
    throw new UsageError(
      `${flag} "${pattern}" is not a valid regular expression: ${(error as Error).message}`,
    );
  }
  return pattern;
}

function parseStatus(text: string): number | string {
  const value = text.trim();
  if (/^[1-5]xx$/.test(value)) return value;
  if (/^[1-5]\d\d$/.test(value)) return Number(value);
  throw new UsageError(`--expect-status "${value}" is not a status: give one like 200, 204 or 2xx`);
}

/** Lets a shell user write \r, \n and \t in --send and --expect-text, as protocols on TCP need them. */
function decodeEscapes(text: string): string {
  return text.replace(/\\([rnt\\])/g, (_, c: string) => ({ r: '\r', n: '\n', t: '\t', '\\': '\\' })[c] ?? c);
}

/** The probe's own schema has the last word; its complaint is turned into a usage error. */
function validate<S extends z.ZodType>(schema: S, options: z.input<S>): z.input<S> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'options';
    throw new UsageError(`Invalid ${field}: ${issue?.message ?? 'rejected'}; see mcpwatch probe --help`);
  }
  return options;
}
