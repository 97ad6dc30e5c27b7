import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/password.js';
import { configureErrors } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { openStore } from '../store/index.js';
import { UsageError } from '../usage-error.js';
import { type PasswordInput, registerUser } from './user.js';

const T0 = Date.UTC(2026, 10, 1);

let dir: string;
let url: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpwatch-user-'));
  url = `sqlite:${join(dir, 'mcpwatch.db')}`;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mcpwatch user …` as the CLI's `main` would: a usage error is one line and exit code 3. */
async function run(
  args: string[],
  options: { stdin?: PasswordInput; env?: Record<string, string>; onPrompt?: (text: string) => void } = {},
): Promise<Run> {
  const out = { code: -1, stdout: '', stderr: '' };
  const context = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: {
      write: (text: string) => {
        out.stderr += text;
        options.onPrompt?.(text);
      },
    },
    env: options.env ?? { MCPWATCH_DATABASE: url },
    home: dir,
    signal: new AbortController().signal,
    exit: (code: number) => (out.code = code),
    stdin: options.stdin ?? Readable.from([]),
    now: () => T0,
  };
  const program = new Command('mcpwatch').exitOverride().enablePositionalOptions();
  registerUser(program, context);
  configureErrors(program, context);
  try {
    await program.parseAsync(['user', ...args], { from: 'user' });
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr += `mcpwatch: ${error.message}\n`;
      out.code = EXIT.usage;
    } else if (error instanceof CommanderError) {
      out.code = EXIT.usage;
    } else {
      throw error;
    }
  }
  return out;
}

const piped = (text: string) => Readable.from([Buffer.from(text)]);

async function storedUsers() {
  const store = await openStore(url);
  try {
    return await Promise.all(
      (await store.listUsers()).map(async (u) => ({
        ...u,
        hash: (await store.getUserByName(u.name))?.passwordHash,
      })),
    );
  } finally {
    await store.close();
  }
}

describe('mcpwatch user', () => {
  it('adds the first user as an admin and later ones as viewers, reading passwords from stdin', async () => {
    expect(await run(['add', 'ada', '--password-stdin'], { stdin: piped('ada-password\n') })).toMatchObject({
      code: 0,
      stderr: 'mcpwatch: added admin ada\n',
    });
    expect(
      await run(['add', 'bob', '--password-stdin'], { stdin: piped('bob password with spaces') }),
    ).toMatchObject({ code: 0, stderr: 'mcpwatch: added viewer bob\n' });
    expect(
      await run(['add', 'cy', '--role', 'editor', '--password-stdin', '--database', url], {
        stdin: piped('cy-password\r\n'),
        env: {},
      }),
    ).toMatchObject({ code: 0, stderr: 'mcpwatch: added editor cy\n' });

    const users = await storedUsers();
    expect(users.map((u) => [u.name, u.role])).toEqual([
      ['ada', 'admin'],
      ['bob', 'viewer'],
      ['cy', 'editor'],
    ]);
    expect(await verifyPassword('ada-password', users[0]?.hash as string)).toBe(true);
    expect(await verifyPassword('bob password with spaces', users[1]?.hash as string)).toBe(true);
    expect(await verifyPassword('cy-password', users[2]?.hash as string)).toBe(true);

    const list = await run(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(
      'NAME  ROLE    CREATED\nada   admin   2026-11-01T00:00:00Z\nbob   viewer  2026-11-01T00:00:00Z\ncy    editor  2026-11-01T00:00:00Z\n',
    );
    const json = JSON.parse((await run(['list', '--json'])).stdout);
    expect(json.map((u: { name: string }) => u.name)).toEqual(['ada', 'bob', 'cy']);
    expect(JSON.stringify(json)).not.toContain('scrypt');
  });

  it('asks twice without echo on a terminal, and refuses entries that differ', async () => {
    const terminal = () => Object.assign(new PassThrough(), { isTTY: true });
    const answer = (stdin: PassThrough, answers: string[]) => (text: string) => {
      if (/Password: |Repeat it: /.test(text)) setImmediate(() => stdin.write(`${answers.shift()}\n`));
    };
    const stdin = terminal();
    const added = await run(['add', 'ada'], {
      stdin,
      onPrompt: answer(stdin, ['typed-secret', 'typed-secret']),
    });
    expect(added).toMatchObject({ code: 0, stdout: '' });
    expect(added.stderr).toBe('Password: \nRepeat it: \nmcpwatch: added admin ada\n');
    expect(await verifyPassword('typed-secret', (await storedUsers())[0]?.hash as string)).toBe(true);

    const other = terminal();
    const mismatch = await run(['passwd', 'ada'], {
      stdin: other,
      onPrompt: answer(other, ['new-secret-1', 'new-secret-2']),
    });
    expect(mismatch.code).toBe(EXIT.usage);
    expect(mismatch.stderr).toContain('the passwords did not match; nothing was changed');
    expect(await verifyPassword('typed-secret', (await storedUsers())[0]?.hash as string)).toBe(true);
  });

  it('needs --password-stdin without a terminal, and rejects short or empty passwords', async () => {
    const noTty = await run(['add', 'ada'], { stdin: piped('ignored') });
    expect(noTty).toMatchObject({ code: EXIT.usage });
    expect(noTty.stderr).toBe(
      'mcpwatch: there is no terminal to ask for the password on: pipe it in with --password-stdin\n',
    );
    const short = await run(['add', 'ada', '--password-stdin'], { stdin: piped('short\n') });
    expect(short.stderr).toBe(
      'mcpwatch: Passwords must be at least 8 characters long: choose a longer one.\n',
    );
    const empty = await run(['add', 'ada', '--password-stdin'], { stdin: piped('\n') });
    expect(empty.stderr).toMatch(/read no password/);
    expect(await storedUsers()).toEqual([]);
  });

  it('changes passwords and roles, removes users, and keeps the last admin', async () => {
    await run(['add', 'ada', '--password-stdin'], { stdin: piped('ada-password') });
    await run(['add', 'bob', '--password-stdin'], { stdin: piped('bob-password') });

    expect(
      await run(['passwd', 'bob', '--password-stdin'], { stdin: piped('bob-new-password\n') }),
    ).toMatchObject({
      code: 0,
      stderr: 'mcpwatch: changed the password of bob\n',
    });
    expect(await verifyPassword('bob-new-password', (await storedUsers())[1]?.hash as string)).toBe(true);

    const lastAdmin = await run(['role', 'ada', 'viewer']);
    expect(lastAdmin.code).toBe(EXIT.usage);
    expect(lastAdmin.stderr).toMatch(/last admin: make another user an admin first/);
    expect((await run(['remove', 'ada'])).stderr).toMatch(/last admin/);

    expect(await run(['role', 'bob', 'admin'])).toMatchObject({
      code: 0,
      stderr: 'mcpwatch: bob is now admin\n',
    });
    expect(await run(['remove', 'ada'])).toMatchObject({ code: 0, stderr: 'mcpwatch: removed ada\n' });
    expect((await storedUsers()).map((u) => [u.name, u.role])).toEqual([['bob', 'admin']]);

    const missing = await run(['passwd', 'nobody', '--password-stdin'], { stdin: piped('whatever-pass') });
    expect(missing.stderr).toBe('mcpwatch: No user named "nobody": list them with `mcpwatch user list`.\n');
    expect((await run(['add', 'bob', '--password-stdin'], { stdin: piped('another-pass') })).stderr).toMatch(
      /already exists/,
    );
    const badRole = await run(['role', 'bob', 'root']);
    expect(badRole.code).toBe(EXIT.usage);
    expect(badRole.stderr).toMatch(
      /root.*Allowed choices are viewer, editor, admin.*see mcpwatch user role --help/,
    );
  });

  it('opens the database serve opens: --data and MCPWATCH_DATA name its folder', async () => {
    const pipe = (text: string) => Readable.from([text]);
    const byFlag = await run(['add', 'ada', '--password-stdin', '--data', dir], {
      env: {},
      stdin: pipe('correct horse battery\n'),
    });
    expect(byFlag.code).toBe(0);
    const listed = await run(['list', '--json'], { env: { MCPWATCH_DATA: dir } });
    expect(JSON.parse(listed.stdout).map((u: { name: string }) => u.name)).toEqual(['ada']);
    const store = await openStore(url);
    try {
      expect((await store.listUsers()).map((u) => u.name)).toEqual(['ada']);
    } finally {
      await store.close();
    }
  });

  it('says how to add the first user when there are none, and names a database it cannot open', async () => {
    expect(await run(['list'])).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'mcpwatch: no users yet; add the first admin with: mcpwatch user add <name>\n',
    });
    const bad = await run(['list', '--database', 'mysql://root:hunter2@db/x']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toContain('mysql://root:***@db/x');
    expect(bad.stderr).not.toContain('hunter2');
  });
});
