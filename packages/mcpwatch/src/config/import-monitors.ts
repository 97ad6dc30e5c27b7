import {
  type ClientConfig,
  type ClientServer,
  editorVariables,
  FORMAT_NAMES,
  serverFolder,
} from '../client-config.js';
import { hasReference, replaceReferences } from '../env-vars.js';

/** A monitor as `mcpwatch import` writes it: only the fields that differ from the defaults. */
export interface ImportedMonitor {
  name: string;
  kind: 'mcp';
  target: string | { command: string; args?: string[]; env?: Record<string, string>; cwd?: string };
  transport?: 'streamable-http' | 'sse';
  headers?: Record<string, string>;
  enabled?: false;
}

export interface ImportResult {
  monitors: ImportedMonitor[];
  /** What the user should know: converted secrets, skipped duplicates, variables to export. */
  notes: string[];
  /** Every environment variable the imported monitors read. */
  variables: string[];
}

/** Env entries whose literal values are secrets in practice, and so are replaced by references. */
const SECRET_NAME = /token|secret|passw|key|auth|credential|cookie|session|pat$/i;
const SCHEME = /^(Bearer|Basic|Token|Bot)\s+(\S.*)$/i;

/**
 * Turns client configs into monitors, keeping each server's name. A secret never lands in
 * mcpwatch.yaml: references stay references (in mcpwatch's `${NAME}` spelling) and a literal header
 * value, or the literal value of an env entry named like a secret, becomes a reference the user exports.
 */
export function importMonitors(configs: readonly ClientConfig[], home: string): ImportResult {
  const monitors: ImportedMonitor[] = [];
  const notes: string[] = [];
  const variables = new Set<string>();
  const from = new Map<string, string>();
  for (const config of configs) {
    for (const server of config.servers) {
      const earlier = from.get(server.name);
      if (earlier !== undefined) {
        notes.push(
          `skipped "${server.name}" from ${config.file}: a server of that name was already imported from ${earlier}`,
        );
        continue;
      }
      from.set(server.name, config.file);
      monitors.push(toMonitor(server, config, home, notes, variables));
    }
  }
  return { monitors, notes, variables: [...variables].sort() };
}

function toMonitor(
  server: ClientServer,
  config: ClientConfig,
  home: string,
  notes: string[],
  variables: Set<string>,
): ImportedMonitor {
  const of = `"${server.name}" (${FORMAT_NAMES[config.format]}, ${config.file})`;
  const carry = references(editorVariables(config, home), of, notes, variables);
  const monitor: ImportedMonitor = { name: server.name, kind: 'mcp', target: '' };
  if (typeof server.target === 'string') {
    monitor.target = carry(server.target, 'the url');
    if (server.transport === 'streamable-http' || server.transport === 'sse') {
      monitor.transport = server.transport;
    }
    const headers: Record<string, string> = {};
    for (const [header, value] of Object.entries(server.headers)) {
      if (hasReference(value)) headers[header] = carry(value, `header ${header}`);
      else {
        const variable = envName(`${server.name}_${header}`);
        const scheme = SCHEME.exec(value)?.[1];
        headers[header] = scheme ? `${scheme} \${${variable}}` : `\${${variable}}`;
        variables.add(variable);
        notes.push(
          `header ${header} of ${of} had a literal value: it is now \${${variable}}; export ${variable}${scheme ? ` (the part after "${scheme} ")` : ''} before running mcpwatch`,
        );
      }
    }
    if (Object.keys(headers).length > 0) monitor.headers = headers;
  } else {
    const { command, args, env, cwd } = server.target;
    const target: Exclude<ImportedMonitor['target'], string> = { command: carry(command, 'the command') };
    if (args.length > 0) target.args = args.map((a, i) => carry(a, `argument ${i + 1}`));
    const outEnv: Record<string, string> = {};
    for (const [key, value] of Object.entries(env)) {
      if (hasReference(value) || !SECRET_NAME.test(key)) outEnv[key] = carry(value, `env ${key}`);
      else {
        const variable = envName(key);
        outEnv[key] = `\${${variable}}`;
        variables.add(variable);
        notes.push(
          `env ${key} of ${of} had a literal value: it is now \${${variable}}; export ${variable} before running mcpwatch`,
        );
      }
    }
    if (Object.keys(outEnv).length > 0) target.env = outEnv;
    // Clients start a project's servers in the project folder; the monitor must start them there too.
    const folder = serverFolder(cwd === undefined ? undefined : carry(cwd, 'the cwd'), config);
    if (folder !== undefined) target.cwd = folder;
    monitor.target = target;
  }
  if (server.disabled) monitor.enabled = false;
  return monitor;
}

/**
 * Rewrites the references of one string for mcpwatch.yaml: editor variables (`${workspaceFolder}`)
 * become the paths they stand for, environment references stay references, and a VS Code input, which
 * only VS Code can prompt for, becomes an environment reference the user exports.
 */
function references(
  builtins: Record<string, string>,
  of: string,
  notes: string[],
  variables: Set<string>,
): (text: string, field: string) => string {
  return (text, field) =>
    replaceReferences(
      text,
      (reference, match) => {
        switch (reference.type) {
          case 'name': {
            const builtin = builtins[reference.name];
            if (builtin !== undefined) return builtin;
            variables.add(reference.name);
            return match;
          }
          case 'env':
            variables.add(reference.name);
            return `\${${reference.name}}`;
          case 'default':
            variables.add(reference.name);
            return match;
          case 'input': {
            const variable = envName(reference.id);
            variables.add(variable);
            notes.push(
              `${field} of ${of} used the VS Code input ${match}: it is now \${${variable}}; export ${variable} before running mcpwatch`,
            );
            return `\${${variable}}`;
          }
          case 'unknown':
            notes.push(
              `${field} of ${of} has ${match}, which mcpwatch cannot resolve: edit it in mcpwatch.yaml`,
            );
            return match;
        }
      },
      '$${',
    );
}

/** `remote-notes` + `API_KEY` → `REMOTE_NOTES_API_KEY`: a name a shell can export. */
export function envName(text: string): string {
  const name = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return /^[0-9]/.test(name) || name === '' ? `MCP_${name}` : name;
}
