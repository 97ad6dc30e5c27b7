import { randomBytes } from 'node:crypto';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describe, it } from 'vitest';
import { deliveryContract } from './delivery.contract.js';
import { openStore } from './open-store.js';
import { statusPageContract } from './status-pages.contract.js';
import { type StoreHarness, storeContract } from './store.contract.js';
import { redactUrl } from './store-error.js';

const URL = process.env.MCPWATCH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

const unreachable = await reachable();

if (unreachable === undefined) {
  // Each test gets its own schema, so parallel runs and reruns never see each other's rows.
  const postgresHarness = async (): Promise<StoreHarness> => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    return {
      open: () => openStore(URL, { schema }),
      raw: async () => {
        const pool = new pg.Pool({ connectionString: URL, connectionTimeoutMillis: 3000, max: 2 });
        await pool.query(`create schema if not exists "${schema}"`);
        const dialect = new PostgresDialect({
          pool,
          onCreateConnection: async (connection) => {
            await connection.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`));
          },
        });
        return { db: new Kysely<unknown>({ dialect }), schema };
      },
      dispose: async () => {
        const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 3000 });
        try {
          await client.connect();
          await client.query(`drop schema if exists "${schema}" cascade`);
        } finally {
          await client.end().catch(() => {});
        }
      },
    };
  };
  storeContract('PostgreSQL', postgresHarness);
  deliveryContract('PostgreSQL', postgresHarness);
  statusPageContract('PostgreSQL', postgresHarness);
} else if (process.env.CI === 'true') {
  describe('Store contract: PostgreSQL', () => {
    it('needs PostgreSQL under CI', () => {
      throw new Error(
        `PostgreSQL at ${redactUrl(URL)} is unreachable (${unreachable}); CI must run these tests.`,
      );
    });
  });
} else {
  console.log(`Skipping the PostgreSQL store contract: ${redactUrl(URL)} is unreachable (${unreachable}).`);
  describe.skip('Store contract: PostgreSQL (unreachable)', () => {
    it('runs against a reachable PostgreSQL', () => {});
  });
}
