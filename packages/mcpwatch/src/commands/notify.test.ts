import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureErrors } from '../cli-context.js';
import { providerServer } from '../notify/test-fixtures.js';
import { openStore } from '../store/index.js';
import { UsageError } from '../usage-error.js';
import { registerNotify } from './notify.js';

let dir: string;
let database: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-notify-'));
  database = `sqlite:${path.join(dir, 'mcpwatch.db')}`;
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** The command as `main` runs it: a usage error is one line on stderr and exit code 3. */
async function mcpwatch(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  let code = 3;
  const context = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env,
    home: dir,
    signal: new AbortController().signal,
    exit: (c: number) => {
      code = c;
    },
  };
  const program = new Command('mcpwatch').exitOverride();
  registerNotify(program, context);
  configureErrors(program, context);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof UsageError) stderr += `mcpwatch: ${error.message}\n`;
    else if (!(error instanceof CommanderError)) throw error;
    code = 3;
  }
  return { code, stdout, stderr };
}

async function apiChannel(config: Record<string, unknown>): Promise<void> {
  const store = await openStore(database);
  await store.createChannel({ name: 'hook', type: 'webhook', config }, Date.now());
  await store.close();
}

async function receiver(status: number, body: string) {
  const server = await providerServer(() => ({ status, body }));
  cleanups.push(server.close);
  return server;
}

describe('mcpwatch notify test', () => {
  it('sends a test message through a channel created through the API, resolving ${NAME} from the environment', async () => {
    const server = await receiver(202, 'queued');
    await apiChannel({ url: '${HOOK_URL}' });
    const run = await mcpwatch(
      ['notify', 'test', 'hook', '--database', database, '-c', path.join(dir, 'none.yaml')],
      {
        HOOK_URL: `${server.url}/in`,
      },
    );
    expect(run).toEqual({
      code: 0,
      stdout: 'Sent a test message through "hook" (webhook): HTTP 202: queued\n',
      stderr: '',
    });
    expect(server.received[0]?.url).toBe('/in');
    expect(JSON.parse(server.received[0]?.body ?? '{}')).toMatchObject({
      kind: 'test',
      state: 'info',
      priority: 4,
      title: 'mcpwatch test message',
    });
  });

  it('exits 2 with the provider answer when the message is refused', async () => {
    const server = await receiver(400, '{"error":"no such hook"}');
    await apiChannel({ url: server.url });
    const run = await mcpwatch(['notify', 'test', 'hook', '--database', database, '--json'], {});
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      channel: 'hook',
      type: 'webhook',
      delivery: { ok: false, permanent: true, status: 400, error: 'HTTP 400: {"error":"no such hook"}' },
    });
  });

  it('exits 3 naming what to fix: a missing variable, an invalid setting, an unknown channel', async () => {
    await apiChannel({ url: '${HOOK_URL}' });
    const missing = await mcpwatch(['notify', 'test', 'hook', '--database', database]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('HOOK_URL');
    const invalid = await mcpwatch(['notify', 'test', 'hook', '--database', database], {
      HOOK_URL: 'ftp://x',
    });
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toMatch(
      /^mcpwatch: The channel "hook" \(created through the API\) is invalid: url: /,
    );
    const unknown = await mcpwatch(['notify', 'test', 'nope', '--database', database]);
    expect(unknown).toMatchObject({ code: 3, stdout: '' });
    expect(unknown.stderr).toContain('There is no channel named "nope" in the database');
    const noFile = await mcpwatch(['notify', 'test', 'hook', '-c', path.join(dir, 'missing.yaml')]);
    expect(noFile.code).toBe(3);
    expect(noFile.stderr).toContain('does not exist');
  });

  it('sends through a channel defined in mcpwatch.yaml', async () => {
    const server = await receiver(200, '');
    const file = path.join(dir, 'mcpwatch.yaml');
    writeFileSync(file, `monitors: []\nchannels:\n  ops:\n    type: webhook\n    url: \${HOOK_URL}\n`);
    const run = await mcpwatch(['notify', 'test', 'ops', '-c', file], { HOOK_URL: server.url });
    expect(run).toEqual({
      code: 0,
      stdout: 'Sent a test message through "ops" (webhook): HTTP 200\n',
      stderr: '',
    });
    expect(server.received).toHaveLength(1);
  });
});
