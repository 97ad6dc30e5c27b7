import {
  displayUrl,
  type HttpOptionsInput,
  type McpOptionsInput,
  type McpTarget,
  type TcpOptionsInput,
} from '@mcpwatch/probe';
import {
  type ClientConfig,
  type ClientServer,
  editorVariables,
  resolveServer,
  selectServers,
} from './client-config.js';
import { substitute, type VariableSource } from './env-vars.js';
import { type McpFlags, mcpOptionsFromFlags, parseEnvPairs } from './probe-options.js';
import { UsageError } from './usage-error.js';

/** One probe to run: what, where and how; `name` is the server's name when it came from a config file. */
export type ProbeJob =
  | { kind: 'mcp'; name?: string; target: McpTarget; options: McpOptionsInput }
  | { kind: 'http'; name?: string; target: string; options: HttpOptionsInput }
  | { kind: 'tcp'; name?: string; target: string; options: TcpOptionsInput };

/** The flags that pick or shape an MCP target, besides the probe options. */
export interface McpTargetFlags extends McpFlags {
  env?: string[];
  cwd?: string;
  config?: string;
  server?: string;
  all?: boolean;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * The job for `mcpwatch probe <url>` or `mcpwatch probe -- <command> [args...]`: one operand that is an
 * http(s) URL is a URL; anything else is a command line (after `--`, so its flags stay its own).
 */
export function jobFromOperands(
  operands: readonly string[],
  flags: McpTargetFlags,
  source: VariableSource,
): ProbeJob {
  const [first, ...rest] = operands;
  if (first === undefined) {
    throw new UsageError(
      'Say what to probe: a URL (mcpwatch probe https://host/mcp), a command after -- (mcpwatch probe -- npx -y some-server), or --config FILE',
    );
  }
  const options = mcpOptionsFromFlags(flags, source);
  if (SCHEME.test(first)) {
    const url = checkHttpUrl(substitute(first, source, 'the URL'));
    if (rest.length > 0) {
      throw new UsageError(
        `A URL takes no further arguments (got "${rest.join(' ')}"): put options before --`,
      );
    }
    if (flags.env?.length || flags.cwd !== undefined) {
      throw new UsageError('--env and --cwd are for a command started over stdio, not for a URL');
    }
    if (flags.transport === 'stdio') {
      throw new UsageError('--transport stdio needs a command: mcpwatch probe -- <command> [args...]');
    }
    return { kind: 'mcp', target: url, options };
  }
  if (flags.header?.length) {
    throw new UsageError(
      '--header is for HTTP servers; give a stdio server its secrets with --env KEY=VALUE',
    );
  }
  if (flags.transport && flags.transport !== 'auto' && flags.transport !== 'stdio') {
    throw new UsageError(`--transport ${flags.transport} needs a URL; a command is always probed over stdio`);
  }
  const target = {
    command: substitute(first, source, 'the command'),
    args: rest.map((a, i) => substitute(a, source, `argument ${i + 1} of the command`)),
    env: parseEnvPairs(flags.env ?? [], source),
    ...(flags.cwd !== undefined ? { cwd: substitute(flags.cwd, source, '--cwd') } : {}),
  };
  return { kind: 'mcp', target, options: { ...options, transport: 'stdio' } };
}

/**
 * The jobs for `--config FILE [--server NAME | --all]`. Flags apply to every server chosen: headers to
 * the HTTP ones, --env and --cwd to the stdio ones, each over what the file says.
 */
export function jobsFromConfig(
  config: ClientConfig,
  flags: McpTargetFlags,
  source: VariableSource,
  home: string,
): ProbeJob[] {
  if (flags.server !== undefined && flags.all) {
    throw new UsageError('Give either --server NAME or --all, not both');
  }
  const options = mcpOptionsFromFlags(flags, source);
  const env = parseEnvPairs(flags.env ?? [], source);
  const withEditorVars: VariableSource = { ...source, builtins: editorVariables(config, home) };
  const chosen = selectServers(config, flags).map((s) => resolveServer(s, config, withEditorVars));
  if (flags.transport === 'stdio' && chosen.some((s) => typeof s.target === 'string')) {
    throw new UsageError('--transport stdio cannot apply to a server with a url; drop --transport');
  }
  const cwd = flags.cwd !== undefined ? substitute(flags.cwd, source, '--cwd') : undefined;
  return chosen.map((server) => jobForServer(server, options, env, cwd, flags.transport));
}

function jobForServer(
  server: ClientServer,
  options: McpOptionsInput,
  env: Record<string, string>,
  cwd: string | undefined,
  forced: McpFlags['transport'],
): ProbeJob {
  if (typeof server.target === 'string') {
    const url = checkHttpUrl(server.target, `the url of server "${server.name}"`);
    const transport = forced && forced !== 'auto' ? forced : server.transport;
    if (transport === 'sse' && options.era === 'modern') {
      throw new UsageError(
        `Server "${server.name}" uses the legacy HTTP+SSE transport, which predates the modern era: drop --era modern`,
      );
    }
    return {
      kind: 'mcp',
      name: server.name,
      target: url,
      options: { ...options, transport, headers: { ...server.headers, ...options.headers } },
    };
  }
  const target = { ...server.target, env: { ...server.target.env, ...env } };
  if (cwd !== undefined) target.cwd = cwd;
  const { headers: _httpOnly, ...stdioOptions } = options;
  return { kind: 'mcp', name: server.name, target, options: { ...stdioOptions, transport: 'stdio' } };
}

/** The probe accepts only http(s) URLs; saying so here gives a usage error instead of a thrown one. */
export function checkHttpUrl(text: string, what = 'The URL'): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${what} "${text}" is not a valid URL: give one like https://host/mcp`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `${what} "${displayUrl(url)}" is not http(s): MCP servers on the network speak HTTP; a local one, put its command after --`,
    );
  }
  return url.href;
}

/** host:port, as the tcp probe takes it; checked here so a typo is a usage error. */
export function checkHostPort(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text.includes('://') ? text : `tcp://${text}`);
  } catch {
    url = undefined;
  }
  const port = Number(url?.port);
  if (!url?.hostname || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`"${text}" is not host:port: give one like db.internal:5432`);
  }
  return text;
}
