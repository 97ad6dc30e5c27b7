import os from 'node:os';
import { Command, CommanderError } from 'commander';
import { type CliContext, configureErrors } from '../cli-context.js';
import { registerMcp } from '../commands/mcp.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';

/**
 * `mcpwatch mcp` without the rest of the CLI: an AI client starts it for every session and keeps it as long,
 * so `bin/mcpwatch.js` hands `mcp` straight here. Through `cli.js` every command's modules load (Fastify,
 * the web routes, the exporter); here only commander, the MCP server SDK and the WatchApi the flags pick
 * (the store's drivers only for --data/--database).
 */
export async function runMcp(argv: readonly string[]): Promise<void> {
  let code: number = EXIT.usage;
  const controller = new AbortController();
  const context: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    home: os.homedir(),
    signal: controller.signal,
    exit: (c) => {
      code = c;
    },
  };
  const stop = () => controller.abort(new Error('interrupted'));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // A client that went away mid-answer is the end of the session, not a crash.
  process.stdout.on('error', stop);
  const program = new Command('mcpwatch').exitOverride();
  registerMcp(program, context);
  configureErrors(program, context);
  try {
    await program.parseAsync(['mcp', ...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) code = error.exitCode === 0 ? 0 : EXIT.usage;
    else if (error instanceof UsageError) process.stderr.write(`mcpwatch: ${error.message}\n`);
    else {
      process.stderr.write(
        `mcpwatch mcp: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      code = EXIT.down;
    }
  }
  process.exitCode = code;
  // Pending sockets (an HTTP keep-alive to the service) must not keep an ended session alive.
  process.stdout.write('', () => process.exit(code));
}
