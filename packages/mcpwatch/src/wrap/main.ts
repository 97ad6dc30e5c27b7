import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { type CliContext, configureErrors } from '../cli-context.js';
import { registerWrap } from '../commands/wrap.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';

/**
 * `mcpwatch wrap` without the rest of the CLI. The wrapper lives as long as the IDE session, beside every
 * stdio server, so its memory counts: through `cli.js` it loads every command's modules (Fastify, SQLite,
 * the store, the probe: about 95 MB RSS on Node 20), through this entry only the relay (about 45 MB, of
 * which an idle Node process is 40). `bin/mcpwatch.js` can hand `wrap` straight to `runWrap`; run as a
 * script (`node dist/wrap/main.js -- <command>`), this is that same entry.
 */
export async function runWrap(argv: readonly string[]): Promise<void> {
  let code: number = EXIT.usage;
  const context: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    home: os.homedir(),
    signal: new AbortController().signal,
    exit: (c) => {
      code = c;
    },
  };
  const program = new Command('mcpwatch').enablePositionalOptions().exitOverride();
  registerWrap(program, context);
  configureErrors(program, context);
  process.on('uncaughtException', (error) => {
    process.stderr.write(`mcpwatch wrap: ignored an unexpected error: ${error.message}\n`);
  });
  try {
    await program.parseAsync(['wrap', ...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) code = error.exitCode === 0 ? 0 : EXIT.usage;
    else if (error instanceof UsageError) process.stderr.write(`mcpwatch: ${error.message}\n`);
    else throw error;
  }
  process.exitCode = code;
  process.stdout.write('', () => process.exit(code));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runWrap(process.argv.slice(2));
}
