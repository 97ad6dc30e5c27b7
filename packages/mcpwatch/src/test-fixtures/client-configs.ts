import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./client-configs/', import.meta.url));

/** The path of a client config fixture, like fixture('cursor/.cursor/mcp.json'). */
export const fixture = (name: string): string => path.join(root, name);

/**
 * The stdio server `local-db` of the Claude Code fixture `.mcp.json`, started in its project folder as
 * Claude Code would; `env` is what its `DB_URL: ${DB_URL}` becomes (resolved by a probe, kept by import).
 */
export const claudeCodeLocalDb = (env: Record<string, string>) => ({
  command: 'node',
  args: ['./tools/db-server.js', '--readonly'],
  env,
  cwd: fixture('claude-code'),
});
