import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { deliveryContract } from './delivery.contract.js';
import { openStore, parseStoreUrl } from './open-store.js';
import { statusPageContract } from './status-pages.contract.js';
import { type StoreHarness, storeContract } from './store.contract.js';
import { StoreError } from './store-error.js';

async function sqliteHarness(): Promise<StoreHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-store-'));
  const path = join(dir, 'nested', 'mcpwatch.db');
  const url = `sqlite:${path}`;
  return {
    open: () => openStore(url),
    raw: async () => {
      mkdirSync(dirname(path), { recursive: true });
      return { db: new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Sqlite(path) }) }) };
    },
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

storeContract('SQLite', sqliteHarness);
deliveryContract('SQLite', sqliteHarness);
statusPageContract('SQLite', sqliteHarness);

describe('store URLs', () => {
  it('reads sqlite: URLs, bare paths and postgres URLs', () => {
    expect(parseStoreUrl('sqlite:./data/mcpwatch.db')).toEqual({
      dialect: 'sqlite',
      path: './data/mcpwatch.db',
    });
    expect(parseStoreUrl('sqlite:///var/lib/mcpwatch.db')).toEqual({
      dialect: 'sqlite',
      path: '/var/lib/mcpwatch.db',
    });
    expect(parseStoreUrl('data/x.db')).toEqual({ dialect: 'sqlite', path: 'data/x.db' });
    expect(parseStoreUrl('postgresql://u@h/db')).toEqual({ dialect: 'postgres', url: 'postgresql://u@h/db' });
  });

  it('refuses other schemes without echoing a password', () => {
    expect(() => parseStoreUrl('mysql://root:hunter2@db/x')).toThrow(StoreError);
    expect(() => parseStoreUrl('mysql://root:hunter2@db/x')).toThrow(/mysql:\/\/root:\*\*\*@db\/x/);
  });

  it('names the PostgreSQL URL without its password when the server cannot be reached', async () => {
    const error = await openStore('postgres://app:s3cret@127.0.0.1:1/mcpwatch').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('store_unreachable');
    expect((error as Error).message).toContain('postgres://app:***@127.0.0.1:1/mcpwatch');
    expect((error as Error).message).not.toContain('s3cret');
  });
});
