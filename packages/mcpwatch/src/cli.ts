import { createRequire } from 'node:module';
import os from 'node:os';
import { Command, CommanderError } from 'commander';
import { type CliContext, configureErrors } from './cli-context.js';
import { registerDemo } from './commands/demo.js';
import { registerExporter } from './commands/exporter.js';
import { registerImport } from './commands/import.js';
import { registerMcp } from './commands/mcp.js';
import { registerNotify } from './commands/notify.js';
import { registerProbe } from './commands/probe.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerUser } from './commands/user.js';
import { registerWrap } from './commands/wrap.js';
import { EXIT } from './exit-codes.js';
import { UsageError } from './usage-error.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export function createProgram(context: CliContext): Command {
  const program = new Command('mcpwatch')
    .description(
      'Keeps MCP servers healthy. Probe one now with: mcpwatch probe <url> | -- <command> [args...]',
    )
    .version(version)
    // Options after `probe http` belong to `http`, not to `probe`, though both define some of the same.
    .enablePositionalOptions()
    .exitOverride()
    .showSuggestionAfterError();
  registerProbe(program, context);
  registerDemo(program, context);
  registerImport(program, context);
  registerServe(program, context);
  registerExporter(program, context);
  registerStatus(program, context);
  registerUser(program, context);
  registerNotify(program, context);
  registerWrap(program, context);
  registerMcp(program, context);
  configureErrors(program, context);
  return program;
}

/**
 * Runs one command line and returns the exit code: 0 up, 1 degraded, 2 down, 3 usage or config error.
 * A usage error is one line on stderr that says what to do.
 */
export async function main(argv: readonly string[], context: Omit<CliContext, 'exit'>): Promise<number> {
  let code: number = EXIT.usage;
  const program = createProgram({ ...context, exit: (c) => (code = c) });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with code 0; any other commander error has already printed its line.
      return error.exitCode === 0 ? 0 : EXIT.usage;
    }
    if (error instanceof UsageError) {
      context.stderr.write(`mcpwatch: ${error.message}\n`);
      return EXIT.usage;
    }
    context.stderr.write(
      `mcpwatch: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nThis is a bug in mcpwatch: please report it with the command you ran.\n`,
    );
    return EXIT.down;
  }
}

/** The process entry: wires signals, runs `main`, flushes stdout, exits with the code. */
export async function run(argv: readonly string[]): Promise<void> {
  const controller = new AbortController();
  const stop = () => {
    // The first Ctrl-C ends the probes cleanly (children stopped, partial results printed); a second one
    // does not wait.
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // A reader that goes away (| head) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  // The probe library handles what servers do; this is the last line of defence, so that no connection
  // event nobody listened for can crash a run half-way. The deadline still ends the probe.
  process.on('uncaughtException', (error) => {
    process.stderr.write(`mcpwatch: ignored an unexpected error: ${error.message}\n`);
  });
  const code = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    home: os.homedir(),
    signal: controller.signal,
  });
  process.exitCode = code;
  // Exit once stdout has drained: on a pipe, writes can still be queued; lingering sockets or timers
  // must not keep a finished run alive.
  process.stdout.write('', () => process.exit(code));
}
