/**
 * Reads a pasted MCP client config (Claude Desktop, Claude Code, Cursor, Windsurf: `mcpServers`; VS Code:
 * `servers`) into monitor definitions, the way `mcpwatch import` does (client-config.ts and
 * config/import-monitors.ts in the service): the service has no import endpoint, so the browser does it.
 * A secret never goes into a monitor: a literal header value, or the value of an env entry named like a
 * secret, becomes a `${NAME}` reference that the service reads from its environment.
 */

export interface ImportedServer {
  name: string;
  /** The monitor to POST, with only the fields that differ from the defaults. */
  monitor: Record<string, unknown>;
  /** What the user should know before creating it (converted secrets, variables to export). */
  notes: string[];
  /** Why this entry cannot become a monitor; the other servers are still imported. */
  error?: string;
}

const TRANSPORTS: Record<string, 'stdio' | 'streamable-http' | 'sse'> = {
  stdio: 'stdio',
  http: 'streamable-http',
  'streamable-http': 'streamable-http',
  streamableHttp: 'streamable-http',
  sse: 'sse',
};

const SECRET_NAME = /token|secret|passw|key|auth|credential|cookie|session|pat$/i;
const SCHEME = /^(Bearer|Basic|Token|Bot)\s+(\S.*)$/i;
const HAS_REFERENCE = /\$\{[^}]+\}/;

/** Comments and trailing commas, which client configs allow (VS Code's are JSONC), removed outside strings. */
export function stripJsonc(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/** `remote-notes` + `API_KEY` → `REMOTE_NOTES_API_KEY`: a name a shell can export (as the CLI names them). */
export function envName(text: string): string {
  const name = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return /^[0-9]/.test(name) || name === '' ? `MCP_${name}` : name;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function strings(value: unknown, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined || value === null) return out;
  const record = asObject(value);
  if (!record) throw new Error(`${what} must be an object of names to strings`);
  for (const [key, v] of Object.entries(record)) {
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else throw new Error(`${what}: "${key}" must be a string`);
  }
  return out;
}

/** `${env:NAME}` (VS Code, Cursor) is `${NAME}` in mcpwatch; `${input:id}` only VS Code can prompt for. */
function references(text: string, field: string, notes: string[]): string {
  return text.replace(/\$\{(env|input):([^}]+)\}/g, (match, type: string, id: string) => {
    const variable = type === 'env' ? id : envName(id);
    if (type === 'input')
      notes.push(`${field} used the VS Code input ${match}: it is now \${${variable}}; export ${variable}`);
    return `\${${variable}}`;
  });
}

function toMonitor(name: string, raw: unknown): ImportedServer {
  const entry = asObject(raw);
  if (!entry) throw new Error(`server "${name}" is not an object: give it a "command" or a "url"`);
  const notes: string[] = [];
  let transport: string | undefined;
  if (entry.type !== undefined) {
    transport = typeof entry.type === 'string' ? TRANSPORTS[entry.type] : undefined;
    if (!transport)
      throw new Error(`server "${name}" has "type": ${JSON.stringify(entry.type)}: use stdio, http or sse`);
  }
  const monitor: Record<string, unknown> = { name, kind: 'mcp' };
  const url = entry.serverUrl ?? entry.url;
  if (url !== undefined && transport !== 'stdio') {
    if (typeof url !== 'string') throw new Error(`server "${name}" has a "url" that is not a string`);
    monitor.target = references(url, 'the url', notes);
    if (transport === 'streamable-http' || transport === 'sse') monitor.transport = transport;
    const headers: Record<string, string> = {};
    for (const [header, value] of Object.entries(strings(entry.headers, `"headers" of server "${name}"`))) {
      if (HAS_REFERENCE.test(value)) headers[header] = references(value, `header ${header}`, notes);
      else {
        const variable = envName(`${name}_${header}`);
        const scheme = SCHEME.exec(value)?.[1];
        headers[header] = scheme ? `${scheme} \${${variable}}` : `\${${variable}}`;
        notes.push(
          `header ${header} had a literal value: it is now \${${variable}}; export ${variable} where mcpwatch runs`,
        );
      }
    }
    if (Object.keys(headers).length > 0) monitor.headers = headers;
  } else {
    if (typeof entry.command !== 'string' || entry.command === '')
      throw new Error(`server "${name}" has neither "command" nor "url": add one`);
    if (
      entry.args !== undefined &&
      !(Array.isArray(entry.args) && entry.args.every((a) => typeof a === 'string'))
    )
      throw new Error(`"args" of server "${name}" must be an array of strings`);
    const target: Record<string, unknown> = { command: references(entry.command, 'the command', notes) };
    const args = (entry.args as string[] | undefined) ?? [];
    if (args.length > 0) target.args = args.map((a, i) => references(a, `argument ${i + 1}`, notes));
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(strings(entry.env, `"env" of server "${name}"`))) {
      if (HAS_REFERENCE.test(value) || !SECRET_NAME.test(key))
        env[key] = references(value, `env ${key}`, notes);
      else {
        const variable = envName(key);
        env[key] = `\${${variable}}`;
        notes.push(
          `env ${key} had a literal value: it is now \${${variable}}; export ${variable} where mcpwatch runs`,
        );
      }
    }
    if (Object.keys(env).length > 0) target.env = env;
    if (typeof entry.cwd === 'string') target.cwd = entry.cwd;
    if (/\$\{(workspaceFolder|userHome)/.test(JSON.stringify(target)))
      notes.push(
        'uses an editor variable (${workspaceFolder}, ${userHome}): replace it with a path on the mcpwatch host',
      );
    monitor.target = target;
  }
  if (entry.disabled === true) monitor.enabled = false;
  return { name, monitor, notes };
}

/**
 * The servers of a pasted client config. A document that is not a client config throws; a single bad
 * entry is returned with its `error`, so one typo does not hide the other servers.
 */
export function parseMcpJson(text: string): ImportedServer[] {
  let doc: unknown;
  try {
    doc = JSON.parse(stripJsonc(text));
  } catch (error) {
    throw new Error(`This is not valid JSON (${(error as Error).message}): paste the whole file`);
  }
  const root = asObject(doc);
  const entries =
    asObject(root?.mcpServers) ?? asObject(root?.servers) ?? asObject(asObject(root?.mcp)?.servers);
  if (!entries)
    throw new Error(
      'This is not an MCP client config: expected an "mcpServers" object (Claude, Cursor, Windsurf) or a "servers" object (VS Code)',
    );
  return Object.entries(entries).map(([name, raw]) => {
    try {
      return toMonitor(name, raw);
    } catch (error) {
      return { name, monitor: {}, notes: [], error: (error as Error).message };
    }
  });
}
