import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { openStore, parseStoreUrl, type Store, StoreError } from '../store/index.js';
import { UsageError } from '../usage-error.js';

export interface StoreFlags {
  data: string;
  database?: string;
}

/** `--data` and `--database`, with their environment variables: every command that reads the store takes them. */
export function storeOptions(command: Command, env: Readonly<Record<string, string | undefined>>): Command {
  return command
    .option(
      '--data <dir>',
      'folder of the embedded SQLite database (MCPWATCH_DATA)',
      env.MCPWATCH_DATA ?? './data',
    )
    .option(
      '--database <url>',
      'sqlite:<path> or postgres://user@host:5432/db instead of the embedded default (MCPWATCH_DATABASE)',
      env.MCPWATCH_DATABASE,
    );
}

/** The store the flags name: `--database` as given, else `mcpwatch.db` in the `--data` folder. */
export function storeUrl(flags: StoreFlags): string {
  return flags.database ?? `sqlite:${path.join(flags.data, 'mcpwatch.db')}`;
}

/**
 * Opens a store for a command; a store that cannot be opened is a usage error with the store's message.
 * With `existing`, a SQLite file that is not there is one too, with that hint, rather than an empty database
 * created where a typo pointed.
 */
export async function openCliStore(url: string, existing?: { hint: string }): Promise<Store> {
  let location: ReturnType<typeof parseStoreUrl>;
  try {
    location = parseStoreUrl(url);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (
    existing &&
    location.dialect === 'sqlite' &&
    location.path !== ':memory:' &&
    !existsSync(location.path)
  ) {
    throw new UsageError(`There is no mcpwatch database at ${location.path}: ${existing.hint}`);
  }
  try {
    return await openStore(url);
  } catch (error) {
    if (error instanceof StoreError) throw new UsageError(error.message);
    throw error;
  }
}
