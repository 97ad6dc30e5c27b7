import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { McpOptionsInput } from '@mcpwatch/probe';
import { substitute, type VariableSource } from './env-vars.js';
import { parseJsonc } from './jsonc.js';
import { UsageError } from './usage-error.js';

/** The MCP client config files people already have, named by the client that writes them. */
export type ClientFormat = 'claude-desktop' | 'claude-code' | 'cursor' | 'vscode' | 'windsurf';

export const FORMAT_NAMES: Record<ClientFormat, string> = {
  'claude-desktop': 'Claude Desktop',
  'claude-code': 'Claude Code',
  cursor: 'Cursor',
  vscode: 'VS Code',
  windsurf: 'Windsurf',
};

/** The probe's own transports: a client's `type` maps onto one of them. */
export type ServerTransport = NonNullable<McpOptionsInput['transport']>;

export interface StdioCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

/** One server entry, reduced to what a probe needs whichever client wrote it. */
export interface ClientServer {
  name: string;
  /** The endpoint URL of an HTTP server, or the command line of a stdio one. */
  target: string | StdioCommand;
  transport: ServerTransport;
  headers: Record<string, string>;
  /** Turned off in the client (`"disabled": true`): `--all` skips it, `--server` still probes it. */
  disabled: boolean;
}

export interface ClientConfig {
  format: ClientFormat;
  /** The file it came from, for messages. */
  file: string;
  servers: ClientServer[];
  /**
   * The project folder of a project-scoped file (`.mcp.json`, `.vscode/mcp.json`, `.cursor/mcp.json`):
   * clients start stdio servers there and expand `${workspaceFolder}` to it.
   */
  workspaceFolder?: string;
}

/** Reads and parses a client config file. The only I/O here is reading that one file. */
export async function readClientConfig(file: string): Promise<ClientConfig> {
  return parseClientConfig(await readJsoncFile(file), file);
}

/** A client config file's document; a missing, unreadable or malformed file is a usage error saying so. */
export async function readJsoncFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `${file} does not exist: give the path of an MCP client config such as .mcp.json or claude_desktop_config.json`
        : `${file} cannot be read (${code ?? (error as Error).message}): check the path and its permissions`,
    );
  }
  try {
    return parseJsonc(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message}): fix the file and retry`);
  }
}

/**
 * Recognises the client from the document's shape and normalises every server entry. Pure: the file
 * name is used only for messages and to find a project folder.
 */
export function parseClientConfig(doc: unknown, file: string): ClientConfig {
  const root = asObject(doc);
  // VS Code keeps servers under "servers" in mcp.json, and under "mcp.servers" in settings.json.
  const vscode = root?.servers ?? asObject(root?.mcp)?.servers;
  const entries = asObject(root?.mcpServers) ?? asObject(vscode);
  if (!root || !entries) {
    throw new UsageError(
      `${file} is not an MCP client config: expected an "mcpServers" object (Claude Desktop, Claude Code, Cursor, Windsurf) or a "servers" object (VS Code)`,
    );
  }
  const format = root.mcpServers !== undefined ? detectMcpServersFormat(entries) : 'vscode';
  const servers = Object.entries(entries).map(([name, raw]) => parseServer(name, raw, format, file));
  const workspaceFolder = projectFolder(file);
  return workspaceFolder ? { format, file, servers, workspaceFolder } : { format, file, servers };
}

/**
 * The `mcpServers` clients share a key but differ in the details: Windsurf names the endpoint
 * `serverUrl`, Claude Code gives every entry a `type`, Cursor has `url` without `type`, and Claude
 * Desktop has commands only.
 */
function detectMcpServersFormat(entries: Record<string, unknown>): ClientFormat {
  const values = Object.values(entries).map(asObject);
  if (values.some((v) => v?.serverUrl !== undefined)) return 'windsurf';
  if (values.some((v) => v?.type !== undefined)) return 'claude-code';
  if (values.some((v) => v?.url !== undefined)) return 'cursor';
  return 'claude-desktop';
}

const TYPES: Record<string, ServerTransport> = {
  stdio: 'stdio',
  http: 'streamable-http',
  'streamable-http': 'streamable-http',
  streamableHttp: 'streamable-http',
  sse: 'sse',
};

function parseServer(name: string, raw: unknown, format: ClientFormat, file: string): ClientServer {
  const where = `server "${name}" in ${file}`;
  const entry = asObject(raw);
  if (!entry) throw new UsageError(`${where} is not an object: give it a "command" or a "url"`);
  let transport: ServerTransport = 'auto';
  if (entry.type !== undefined) {
    const type = typeof entry.type === 'string' ? TYPES[entry.type] : undefined;
    if (!type) {
      throw new UsageError(
        `${where} has "type": ${JSON.stringify(entry.type)}: use "stdio", "http" or "sse"`,
      );
    }
    transport = type;
  }
  const url = entry.serverUrl ?? entry.url;
  const disabled = entry.disabled === true;
  if (url !== undefined && transport !== 'stdio') {
    if (typeof url !== 'string') throw new UsageError(`${where} has a "url" that is not a string`);
    return {
      name,
      target: url,
      transport,
      headers: stringRecord(entry.headers, `"headers" of ${where}`),
      disabled,
    };
  }
  if (typeof entry.command !== 'string' || entry.command === '') {
    throw new UsageError(
      transport === 'stdio'
        ? `${where} is a stdio server without a "command": add the command that starts it`
        : `${where} has neither "command" nor "url" (${FORMAT_NAMES[format]} format): add one`,
    );
  }
  if (entry.args !== undefined && !isStringArray(entry.args)) {
    throw new UsageError(`"args" of ${where} must be an array of strings`);
  }
  const command: StdioCommand = {
    command: entry.command,
    args: (entry.args as string[] | undefined) ?? [],
    env: stringRecord(entry.env, `"env" of ${where}`),
  };
  if (entry.cwd !== undefined) {
    if (typeof entry.cwd !== 'string') throw new UsageError(`"cwd" of ${where} must be a string`);
    command.cwd = entry.cwd;
  }
  return { name, target: command, transport: 'stdio', headers: {}, disabled };
}

/** Picks the servers to probe: one by name, all enabled ones, or the only one there is. */
export function selectServers(
  config: ClientConfig,
  choice: { server?: string; all?: boolean },
): ClientServer[] {
  const names = config.servers.map((s) => s.name);
  if (names.length === 0)
    throw new UsageError(`${config.file} lists no servers: add one, or pick another file`);
  if (choice.server !== undefined) {
    const found = config.servers.find((s) => s.name === choice.server);
    if (!found) {
      throw new UsageError(
        `There is no server "${choice.server}" in ${config.file}: pick one of ${names.join(', ')}`,
      );
    }
    return [found];
  }
  if (choice.all) {
    const enabled = config.servers.filter((s) => !s.disabled);
    if (enabled.length === 0) {
      throw new UsageError(
        `Every server in ${config.file} is disabled: name one with --server to probe it anyway`,
      );
    }
    return enabled;
  }
  if (config.servers.length === 1) return config.servers;
  throw new UsageError(
    `${config.file} has ${names.length} servers (${names.join(', ')}): pick one with --server NAME, or probe them all with --all`,
  );
}

/**
 * Expands variable references in every string of a server entry, and places a stdio server in its
 * project folder as the client would. A missing variable is an error naming the server and the field.
 */
export function resolveServer(
  server: ClientServer,
  config: Pick<ClientConfig, 'file' | 'workspaceFolder'>,
  source: VariableSource,
): ClientServer {
  const of = `server "${server.name}" in ${config.file}`;
  const sub = (text: string, field: string) => substitute(text, source, `${field} of ${of}`);
  const headers = mapValues(server.headers, (v, k) => sub(v, `header "${k}"`));
  if (typeof server.target === 'string') {
    return { ...server, target: sub(server.target, 'the url'), headers };
  }
  const { command, args, env, cwd } = server.target;
  const target: StdioCommand = {
    command: sub(command, 'the command'),
    args: args.map((a, i) => sub(a, `argument ${i + 1}`)),
    env: mapValues(env, (v, k) => sub(v, `env "${k}"`)),
  };
  const folder = serverFolder(cwd === undefined ? undefined : sub(cwd, 'the cwd'), config);
  if (folder !== undefined) target.cwd = folder;
  return { ...server, target, headers };
}

/**
 * Where a client starts a stdio server: its `cwd`, relative to the project folder (or to the file's
 * folder), or else the project folder of a project-scoped file; undefined for where mcpwatch runs.
 */
export function serverFolder(
  cwd: string | undefined,
  config: Pick<ClientConfig, 'file' | 'workspaceFolder'>,
): string | undefined {
  if (cwd === undefined) return config.workspaceFolder;
  return path.resolve(config.workspaceFolder ?? path.dirname(config.file), cwd);
}

/** The editor variables a config's location defines; clients expand these besides the environment. */
export function editorVariables(
  config: Pick<ClientConfig, 'workspaceFolder'>,
  home: string,
): Record<string, string> {
  const vars: Record<string, string> = { userHome: home, pathSeparator: path.sep };
  if (config.workspaceFolder) {
    vars.workspaceFolder = config.workspaceFolder;
    vars.workspaceFolderBasename = path.basename(config.workspaceFolder);
  }
  return vars;
}

function projectFolder(file: string): string | undefined {
  const absolute = path.resolve(file);
  const dir = path.dirname(absolute);
  if (path.basename(absolute) === '.mcp.json') return dir;
  const parent = path.basename(dir);
  if ((parent === '.vscode' || parent === '.cursor') && path.basename(absolute) === 'mcp.json') {
    return path.dirname(dir);
  }
  return undefined;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function stringRecord(value: unknown, what: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  const record = asObject(value);
  if (!record) throw new UsageError(`${what} must be an object of names to strings`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(record)) {
    // A number or boolean (PORT: 8080) is what the user meant as text; anything else is a mistake.
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else throw new UsageError(`${what}: "${key}" must be a string`);
  }
  return out;
}

function mapValues(
  record: Record<string, string>,
  fn: (value: string, key: string) => string,
): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v, k)]));
}
