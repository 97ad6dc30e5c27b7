/**
 * Users, sessions and API tokens. `SqlStore` extends this class rather than repeating a one-line delegation
 * for each of these methods: the queries stay here, and `sql-store.ts` stays about monitors and their history.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ApiTokensTable, Database, SessionsTable, UsersTable } from './schema.js';
import type {
  ApiToken,
  ApiTokenInput,
  AuthStore,
  Millis,
  Role,
  Session,
  TokenScope,
  User,
  UserCredentials,
  UserInput,
  UserPatch,
  UserRefusal,
} from './store.js';

function toUser(
  row: Pick<Selectable<UsersTable>, 'id' | 'name' | 'role' | 'created_at' | 'updated_at'>,
): User {
  return {
    id: Number(row.id),
    name: row.name,
    role: row.role as Role,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    idHash: row.id_hash,
    userId: Number(row.user_id),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    lastSeenAt: Number(row.last_seen_at),
  };
}

function toApiToken(row: Omit<Selectable<ApiTokensTable>, 'token_hash'>): ApiToken {
  return {
    id: Number(row.id),
    name: row.name,
    userId: Number(row.user_id),
    scope: row.scope as TokenScope,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}

const USER_COLUMNS = ['id', 'name', 'role', 'created_at', 'updated_at'] as const;
const TOKEN_COLUMNS = ['id', 'name', 'user_id', 'scope', 'created_at', 'last_used_at', 'expires_at'] as const;

/** The owner's columns, aliased so they cannot clash with the session's or token's own. */
const OWNER_COLUMNS = [
  'users.id as owner_id',
  'users.name as owner_name',
  'users.role as owner_role',
  'users.created_at as owner_created_at',
  'users.updated_at as owner_updated_at',
] as const;

function toOwner(row: {
  owner_id: number;
  owner_name: string;
  owner_role: string;
  owner_created_at: number;
  owner_updated_at: number;
}): User {
  return toUser({
    id: row.owner_id,
    name: row.owner_name,
    role: row.owner_role,
    created_at: row.owner_created_at,
    updated_at: row.owner_updated_at,
  });
}

export abstract class AuthQueries implements AuthStore {
  protected abstract readonly db: Kysely<Database>;
  abstract readonly dialect: 'sqlite' | 'postgres';
  protected abstract tx<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;

  async createUser(input: UserInput, now: Millis): Promise<User | undefined> {
    const row = await this.db
      .insertInto('users')
      .values({
        name: input.name,
        password_hash: input.passwordHash,
        role: input.role,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning(USER_COLUMNS)
      .executeTakeFirst();
    return row && toUser(row);
  }

  async getUser(id: number): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(USER_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toUser(row);
  }

  async getUserByName(name: string): Promise<UserCredentials | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
    return row && { ...toUser(row), passwordHash: row.password_hash };
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').select(USER_COLUMNS).orderBy('id').execute();
    return rows.map(toUser);
  }

  async countUsers(role?: Role): Promise<number> {
    let query = this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'));
    if (role !== undefined) query = query.where('role', '=', role);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Inside a transaction: whether changing user `id` so that it stops being an admin must be refused. In
   * PostgreSQL the admin rows are locked (in id order, so two callers cannot deadlock), which makes a second
   * caller wait and then count the admins the first one left; SQLite's `begin immediate` already serializes.
   */
  private async refusal(trx: Kysely<Database>, id: number): Promise<UserRefusal | undefined> {
    let admins = trx.selectFrom('users').select('id').where('role', '=', 'admin').orderBy('id');
    if (this.dialect === 'postgres') admins = admins.forUpdate();
    const adminIds = (await admins.execute()).map((r) => Number(r.id));
    const user = await trx.selectFrom('users').select('role').where('id', '=', id).executeTakeFirst();
    if (!user) return 'not_found';
    if (user.role === 'admin' && adminIds.length <= 1) return 'last_admin';
    return undefined;
  }

  async updateUser(id: number, patch: UserPatch, now: Millis): Promise<User | UserRefusal> {
    const update = async (trx: Kysely<Database>) => {
      const row = await trx
        .updateTable('users')
        .set({
          ...(patch.role !== undefined && { role: patch.role }),
          ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
          updated_at: now,
        })
        .where('id', '=', id)
        .returning(USER_COLUMNS)
        .executeTakeFirst();
      return row ? toUser(row) : 'not_found';
    };
    if (patch.role === undefined || patch.role === 'admin') return update(this.db);
    return this.tx(async (trx) => (await this.refusal(trx, id)) ?? update(trx));
  }

  deleteUser(id: number): Promise<true | UserRefusal> {
    return this.tx(async (trx) => {
      const refused = await this.refusal(trx, id);
      if (refused) return refused;
      await trx.deleteFrom('users').where('id', '=', id).execute();
      return true as const;
    });
  }

  async createSession(session: Session): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: session.idHash,
        user_id: session.userId,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
        last_seen_at: session.lastSeenAt,
      })
      .execute();
  }

  async getSession(idHash: string, now: Millis): Promise<{ session: Session; user: User } | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('sessions')
      .select(OWNER_COLUMNS)
      .where('sessions.id_hash', '=', idHash)
      .where('sessions.expires_at', '>', now)
      .executeTakeFirst();
    return row && { session: toSession(row), user: toOwner(row) };
  }

  async touchSession(idHash: string, now: Millis, expiresAt: Millis): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({ last_seen_at: now, expires_at: expiresAt })
      .where('id_hash', '=', idHash)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async deleteSession(idHash: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteUserSessions(userId: number, exceptIdHash?: string): Promise<number> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptIdHash !== undefined) query = query.where('id_hash', '!=', exceptIdHash);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteExpiredSessions(now: Millis): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async createApiToken(input: ApiTokenInput, now: Millis): Promise<ApiToken> {
    const row = await this.db
      .insertInto('api_tokens')
      .values({
        name: input.name,
        token_hash: input.tokenHash,
        user_id: input.userId,
        scope: input.scope,
        created_at: now,
        last_used_at: null,
        expires_at: input.expiresAt,
      })
      .returning(TOKEN_COLUMNS)
      .executeTakeFirstOrThrow();
    return toApiToken(row);
  }

  async getApiTokenByHash(
    tokenHash: string,
    now: Millis,
  ): Promise<{ token: ApiToken; user: User } | undefined> {
    const row = await this.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(TOKEN_COLUMNS.map((c) => `api_tokens.${c}` as const))
      .select(OWNER_COLUMNS)
      .where('api_tokens.token_hash', '=', tokenHash)
      .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', now)]))
      .executeTakeFirst();
    return row && { token: toApiToken(row), user: toOwner(row) };
  }

  async listApiTokens(userId?: number): Promise<ApiToken[]> {
    let query = this.db.selectFrom('api_tokens').select(TOKEN_COLUMNS).orderBy('id');
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    return (await query.execute()).map(toApiToken);
  }

  async touchApiToken(id: number, now: Millis): Promise<boolean> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async deleteApiToken(id: number, userId?: number): Promise<boolean> {
    let query = this.db.deleteFrom('api_tokens').where('id', '=', id);
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
