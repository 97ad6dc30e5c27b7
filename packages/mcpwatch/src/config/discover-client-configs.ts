import { access } from 'node:fs/promises';
import path from 'node:path';

/** Where to look: the user's home, the project folder, and the OS conventions for per-user settings. */
export interface Place {
  home: string;
  /** The project folder, for project-scoped files such as `.mcp.json`. */
  cwd: string;
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
}

export interface Candidate {
  client: string;
  file: string;
}

/**
 * The usual places of MCP client configs on this OS, as each client documents them, user files first.
 * Pure: the caller checks which exist.
 */
export function candidateFiles(place: Place): Candidate[] {
  const { home, cwd, platform, env } = place;
  // Per-user application settings: ~/Library/Application Support, %APPDATA%, or XDG's ~/.config.
  const appData =
    platform === 'darwin'
      ? path.join(home, 'Library', 'Application Support')
      : platform === 'win32'
        ? (env.APPDATA ?? path.join(home, 'AppData', 'Roaming'))
        : (env.XDG_CONFIG_HOME ?? path.join(home, '.config'));
  return [
    { client: 'Claude Desktop', file: path.join(appData, 'Claude', 'claude_desktop_config.json') },
    { client: 'Claude Code', file: path.join(home, '.claude.json') },
    { client: 'Cursor', file: path.join(home, '.cursor', 'mcp.json') },
    { client: 'VS Code', file: path.join(appData, 'Code', 'User', 'mcp.json') },
    { client: 'Windsurf', file: path.join(home, '.codeium', 'windsurf', 'mcp_config.json') },
    { client: 'Claude Code', file: path.join(cwd, '.mcp.json') },
    { client: 'Cursor', file: path.join(cwd, '.cursor', 'mcp.json') },
    { client: 'VS Code', file: path.join(cwd, '.vscode', 'mcp.json') },
  ];
}

/** The candidates that exist. */
export async function discoverClientConfigs(place: Place): Promise<Candidate[]> {
  const found: Candidate[] = [];
  const seen = new Set<string>();
  for (const candidate of candidateFiles(place)) {
    // Run from the home folder, the project files are the user files: list each once.
    if (seen.has(candidate.file)) continue;
    seen.add(candidate.file);
    try {
      await access(candidate.file);
      found.push(candidate);
    } catch {
      // Not there: most people use one or two clients.
    }
  }
  return found;
}
