import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { Argument, type Command, Option } from 'commander';
import { passwordProblem } from '../auth/password.js';
import { ROLES } from '../auth/roles.js';
import { addUser, changePassword, changeRole, removeUser, UserError, userNamed } from '../auth/users.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import type { Role, Store } from '../store/index.js';
import { UsageError } from '../usage-error.js';
import { openCliStore, type StoreFlags, storeOptions, storeUrl } from './store-options.js';

/** Where passwords come from: piped in with --password-stdin, or typed at the terminal without echo. */
export type PasswordInput = NodeJS.ReadableStream & { isTTY?: boolean };

export interface UserCommandContext extends CliContext {
  /** Defaults to the process's stdin. */
  stdin?: PasswordInput;
  now?: () => number;
}

interface PasswordFlags extends StoreFlags {
  passwordStdin?: boolean;
}

/** A pasted password may end with one newline (`echo`, a file); the rest is the password, spaces and all. */
const MAX_STDIN_BYTES = 64 * 1024;

async function readStdin(stdin: PasswordInput): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_STDIN_BYTES)
      throw new UsageError('--password-stdin read more than 64 KiB: pipe in only the password');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (text === '')
    throw new UsageError('--password-stdin read no password: pipe one in, like: echo "$PASSWORD" | …');
  return text;
}

/** Asks for the password twice on the terminal, echoing nothing, and returns it once both entries match. */
async function promptTwice(stdin: PasswordInput, stderr: CliContext['stderr']): Promise<string> {
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: stdin, output: muted, terminal: true });
  // In raw mode Ctrl-C reaches readline instead of the process: end the prompt, not the whole terminal session.
  rl.on('SIGINT', () => rl.close());
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string) => {
    stderr.write(prompt);
    const next = await lines.next();
    stderr.write('\n');
    if (next.done) throw new UsageError('no password given; nothing was changed');
    return next.value as string;
  };
  try {
    const first = await ask('Password: ');
    const problem = passwordProblem(first);
    if (problem) throw new UsageError(problem);
    if ((await ask('Repeat it: ')) !== first)
      throw new UsageError('the passwords did not match; nothing was changed');
    return first;
  } finally {
    rl.close();
  }
}

async function readPassword(context: UserCommandContext, flags: PasswordFlags): Promise<string> {
  const stdin = context.stdin ?? process.stdin;
  if (flags.passwordStdin) return readStdin(stdin);
  if (!stdin.isTTY) {
    throw new UsageError('there is no terminal to ask for the password on: pipe it in with --password-stdin');
  }
  return promptTwice(stdin, context.stderr);
}

/**
 * Runs `fn` on the store `mcpwatch serve` would open with the same --data, --database and environment; a store
 * or user problem is a usage error.
 */
async function withStore(flags: StoreFlags, fn: (store: Store) => Promise<void>) {
  const store = await openCliStore(storeUrl(flags));
  try {
    await fn(store);
  } catch (error) {
    if (error instanceof UserError) throw new UsageError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * `mcpwatch user`: manage who may sign in to `mcpwatch serve`. Works on the database directly, so it is how
 * the first admin is made and how a locked-out admin gets back in.
 */
export function registerUser(program: Command, context: UserCommandContext): void {
  const now = context.now ?? Date.now;
  const done = (message: string) => {
    context.stderr.write(`mcpwatch: ${message}\n`);
    context.exit(EXIT.up);
  };
  const user = program
    .command('user')
    .summary('add, list and remove the users who may sign in to mcpwatch serve')
    .description(
      'Manage the users who may sign in to mcpwatch serve, in its database. Roles: admin (everything, including users), editor (monitors and alerts), viewer (read only).',
    );

  storeOptions(user.command('add'), context.env)
    .description('add a user; the first one is an admin unless --role says otherwise, later ones viewers')
    .argument('<name>', 'the name to sign in with')
    .addOption(new Option('--role <role>', 'admin, editor or viewer').choices(ROLES))
    .option('--password-stdin', 'read the password from stdin instead of asking for it')
    .action(async (name: string, flags: PasswordFlags & { role?: Role }) => {
      const password = await readPassword(context, flags);
      await withStore(flags, async (store) => {
        const added = await addUser(
          store,
          { name, password, ...(flags.role && { role: flags.role }) },
          now(),
        );
        done(`added ${added.role} ${added.name}`);
      });
    });

  storeOptions(user.command('list'), context.env)
    .description('list the users and their roles')
    .option('--json', 'print JSON instead of a table')
    .action(async (flags: StoreFlags & { json?: boolean }) => {
      await withStore(flags, async (store) => {
        const users = await store.listUsers();
        if (flags.json) {
          context.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
        } else if (users.length === 0) {
          context.stderr.write(
            'mcpwatch: no users yet; add the first admin with: mcpwatch user add <name>\n',
          );
        } else {
          const width = Math.max(4, ...users.map((u) => u.name.length));
          const rows = [
            ['NAME', 'ROLE', 'CREATED'],
            ...users.map((u) => [u.name, u.role, formatTime(u.createdAt)]),
          ];
          for (const [a, b, c] of rows) context.stdout.write(`${a?.padEnd(width)}  ${b?.padEnd(6)}  ${c}\n`);
        }
        context.exit(EXIT.up);
      });
    });

  storeOptions(user.command('remove'), context.env)
    .description('remove a user, with their sessions and API tokens')
    .argument('<name>', 'the user to remove')
    .action(async (name: string, flags: StoreFlags) => {
      await withStore(flags, async (store) => {
        await removeUser(store, (await userNamed(store, name)).id);
        done(`removed ${name}`);
      });
    });

  storeOptions(user.command('passwd'), context.env)
    .description("set a user's password; their sessions end, their API tokens stay")
    .argument('<name>', 'the user')
    .option('--password-stdin', 'read the password from stdin instead of asking for it')
    .action(async (name: string, flags: PasswordFlags) => {
      // The user is looked up first, so a typo in the name is reported before anyone types a password.
      await withStore(flags, async (store) => {
        const found = await userNamed(store, name);
        await changePassword(store, found.id, await readPassword(context, flags), now());
        done(`changed the password of ${name}`);
      });
    });

  storeOptions(user.command('role'), context.env)
    .description("change a user's role")
    .argument('<name>', 'the user')
    .addArgument(new Argument('<role>', 'admin, editor or viewer').choices(ROLES))
    .action(async (name: string, role: Role, flags: StoreFlags) => {
      await withStore(flags, async (store) => {
        const changed = await changeRole(store, (await userNamed(store, name)).id, role, now());
        done(`${changed.name} is now ${changed.role}`);
      });
    });
}
