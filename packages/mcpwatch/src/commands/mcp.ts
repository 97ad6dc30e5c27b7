import { createRequire } from 'node:module';
import os from 'node:os';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import type { WatchApi } from '../mcp/watch-api.js';
import { UsageError } from '../usage-error.js';

interface McpFlags {
  url?: string;
  token?: string;
  data: string;
  database?: string;
  readOnly?: boolean;
}

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * `mcpwatch mcp`: mcpwatch's own MCP server over stdio, for an AI client that starts servers as commands
 * (Claude Desktop, Cursor, VS Code). It talks to a running service through its REST API (`--url`, `--token`),
 * or reads a local store itself (`--data`, `--database`). stdout carries JSON-RPC only; messages go to stderr.
 *
 * The store options are declared here rather than through `storeOptions` (same names, defaults and
 * variables), because that module loads the database drivers, and an IDE starts this command often: with
 * `--url` nothing of the store is loaded (see bin/mcpwatch.js).
 */
export function registerMcp(program: Command, context: CliContext): void {
  const env = context.env;
  program
    .command('mcp')
    .summary("mcpwatch's own MCP server over stdio: ask your AI what is down")
    .description(
      "Serve mcpwatch's MCP tools (list_monitors, get_monitor, list_incidents, probe, check_now, pause_monitor, send_notification, …) over stdio, for an AI client to start. With --url and --token it talks to a running `mcpwatch serve` through its API, and a read-only token sees the read tools only; with --data or --database it reads the store directly (check_now, pause_monitor and resume_monitor then need the service). `mcpwatch serve` also serves the same tools over HTTP at /mcp.",
    )
    .option(
      '--url <url>',
      'a running mcpwatch serve, like http://127.0.0.1:8080 (MCPWATCH_URL)',
      env.MCPWATCH_URL,
    )
    .option(
      '--token <token>',
      'an mcpwatch API token (mcpw_…); write scope for the tools that change things (MCPWATCH_TOKEN)',
      env.MCPWATCH_TOKEN,
    )
    .option(
      '--data <dir>',
      'without --url: folder of the embedded SQLite database (MCPWATCH_DATA)',
      env.MCPWATCH_DATA ?? './data',
    )
    .option(
      '--database <url>',
      'without --url: sqlite:<path> or postgres://user@host:5432/db instead of the embedded default (MCPWATCH_DATABASE)',
      env.MCPWATCH_DATABASE,
    )
    .option('--read-only', 'serve the read tools only, whatever the token or store allows')
    .action(async (flags: McpFlags, command: Command) => {
      context.exit(await serveMcp(flags, command, context));
    });
}

async function serveMcp(flags: McpFlags, command: Command, context: CliContext): Promise<number> {
  const explicitStore =
    command.getOptionValueSource('data') === 'cli' || command.getOptionValueSource('database') === 'cli';
  if (flags.url !== undefined && command.getOptionValueSource('url') === 'cli' && explicitStore) {
    throw new UsageError(
      'Give either --url (a running mcpwatch serve) or --data/--database (a local store), not both',
    );
  }
  const opened =
    flags.url !== undefined && !explicitStore ? await overRest(flags, context) : await overStore(flags);
  const scope = flags.readOnly ? 'read' : opened.scope;
  const { createWatchServer } = await import('../mcp/server.js');
  const { serveStdio } = await import('@modelcontextprotocol/server/stdio');
  context.stderr.write(
    `mcpwatch mcp: ${opened.describe}${scope !== opened.scope ? ' (read tools only: --read-only)' : ''}\n`,
  );
  const handle = serveStdio(() => createWatchServer(opened.api, { scope, version }), {
    onerror: (error) => context.stderr.write(`mcpwatch mcp: ${error.message}\n`),
  });
  // The client ends the session by closing stdin (the stdio binding); Ctrl-C or SIGTERM end it too.
  await new Promise<void>((resolve) => {
    if (process.stdin.readableEnded || process.stdin.destroyed) return resolve();
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    context.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await handle.close().catch(() => undefined);
  await opened.close();
  return 0;
}

interface Opened {
  api: WatchApi;
  scope: 'read' | 'write';
  /** One line for stderr: what is served, to whom, from where. */
  describe: string;
  close(): Promise<void>;
}

async function overRest(flags: McpFlags, context: CliContext): Promise<Opened> {
  const { CREATE_TOKEN_HINT, RestWatchApi, scopeOf } = await import('../mcp/rest-api.js');
  const { WatchError } = await import('../mcp/watch-api.js');
  const url = flags.url as string;
  if (!/^https?:\/\//i.test(url)) {
    throw new UsageError(
      `--url must be the http(s) address of mcpwatch serve, like http://127.0.0.1:8080 (got "${url}")`,
    );
  }
  if (!flags.token) throw new UsageError(`--url needs an API token: ${CREATE_TOKEN_HINT}`);
  const api = new RestWatchApi({ url, token: flags.token });
  try {
    const owner = await api.whoAmI();
    const scope = scopeOf(owner);
    if (scope === 'read' && owner.scope === 'write') {
      context.stderr.write(
        `mcpwatch mcp: ${owner.name} is a ${owner.role}, so only the read tools are served; an editor's token can change things\n`,
      );
    }
    return {
      api,
      scope,
      describe: `serving the ${scope} tools of ${url} as ${owner.name} (${owner.scope} token)`,
      close: async () => undefined,
    };
  } catch (error) {
    // The AI client shows this line in its MCP log: it must say what to fix.
    if (error instanceof WatchError) throw new UsageError(error.message);
    throw error;
  }
}

async function overStore(flags: McpFlags): Promise<Opened> {
  const { openCliStore, storeUrl } = await import('./store-options.js');
  const { StoreWatchApi } = await import('../mcp/store-api.js');
  const location = storeUrl(flags);
  const store = await openCliStore(location, {
    hint: 'point --data or --database at the store `mcpwatch serve` uses, or use --url and --token to reach it',
  });
  const by = `${os.userInfo().username}@${os.hostname()} (mcpwatch mcp)`;
  return {
    api: new StoreWatchApi(store, by),
    // The tools that need the service are listed and say so: the AI learns how to get them.
    scope: 'write',
    describe: `serving the store at ${location.replace(/\/\/[^@/]*@/, '//***@')} (check_now, pause and resume need mcpwatch serve)`,
    close: () => store.close(),
  };
}
