import path from 'node:path';
import { type ClientConfig, parseClientConfig, readClientConfig, readJsoncFile } from '../client-config.js';

/**
 * Reads one client config for import. Claude Code's `~/.claude.json` is special: besides its user-scope
 * `mcpServers` it keeps local-scope servers per project under `projects[<folder>]`; those of `cwd` are
 * included, overriding user-scope servers of the same name as Claude Code does.
 */
export async function readImportSource(file: string, cwd: string): Promise<ClientConfig> {
  if (path.basename(file) !== '.claude.json') return readClientConfig(file);
  const doc = await readJsoncFile(file);
  const root = (doc ?? {}) as { mcpServers?: object; projects?: Record<string, { mcpServers?: object }> };
  const servers = { ...root.mcpServers, ...root.projects?.[path.resolve(cwd)]?.mcpServers };
  const config = parseClientConfig({ mcpServers: servers }, file);
  return { ...config, format: 'claude-code' };
}
