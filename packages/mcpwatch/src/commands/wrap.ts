import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { type CliContext, wholeNumber } from '../cli-context.js';
import { UsageError } from '../usage-error.js';
import { createExtras } from '../wrap/extras.js';
import { FORWARDED_SIGNALS, runWrapper, type WrapOutcome } from '../wrap/wrap.js';

interface WrapFlags {
  name?: string;
  heartbeat?: string;
  report?: string;
  reportInterval: number;
  metricsPort?: number;
}

/**
 * `mcpwatch wrap -- <command> [args...]`: runs a stdio MCP server behind a relay that passes every byte
 * through unchanged and counts what goes by. Meant for an IDE's mcp.json, so it writes nothing to stdout but
 * the server's bytes, and ends as the server ends (same exit code, same signal).
 */
export function registerWrap(program: Command, context: CliContext): void {
  program
    .command('wrap')
    .summary("put in front of a stdio MCP server's command: tool call metrics, heartbeats, reports")
    .description(
      "Run a stdio MCP server behind mcpwatch: stdin and stdout pass through unchanged, stderr too, signals are forwarded and the server's exit code is the wrapper's. On the side it counts tool calls, errors and latency, and can send heartbeats and reports to a mcpwatch service and serve /metrics and /live on 127.0.0.1. Its own messages go to stderr.",
    )
    .usage('[options] -- <command> [args...]')
    .argument('<command...>', 'the command that starts the server, and its arguments')
    .option('--name <name>', "the server's name in reports and metrics (default: the command's basename)")
    .option(
      '--heartbeat <url>',
      "a heartbeat monitor's ping URL, <base>/hb/<token>: /start on first use, a ping a minute while in use, /stop at exit",
    )
    .option('--report <url>', 'POST call figures here, <base>/hb/<token>/report')
    .option('--report-interval <seconds>', 'seconds between reports, up to a day', reportInterval, 60)
    .option('--metrics-port <port>', 'serve /metrics, /live, /ready and /health on 127.0.0.1:PORT', port)
    // Options after the command are the server's: `mcpwatch wrap node server.js --port 3` works without `--`.
    .passThroughOptions()
    .action(async (argv: string[], flags: WrapFlags) => {
      const [command, ...args] = argv;
      if (command === undefined || command === '')
        throw new UsageError('give the command that starts the server, after --');
      for (const [flag, url] of [
        ['--heartbeat', flags.heartbeat],
        ['--report', flags.report],
      ] as const) {
        if (url !== undefined && !/^https?:\/\/[^/]/.test(url)) {
          throw new UsageError(`${flag} takes an http(s) URL, like https://mcpwatch.example.com/hb/<token>`);
        }
      }
      const outcome = await wrapProcess(command, args, flags, context);
      if ('code' in outcome) return context.exit(outcome.code);
      // Should the signal not end this process, the shell's convention says the same: 128 + its number.
      context.exit(128 + (os.constants.signals[outcome.signal] ?? 0));
      mirrorSignal(outcome.signal);
    });
}

function reportInterval(value: string): number {
  const n = wholeNumber('a number of seconds', 60)(value);
  if (n > 86_400) throw new InvalidArgumentError('give at most 86400 seconds: a report covers at most a day');
  return n;
}

function port(value: string): number {
  const n = wholeNumber('a port number', 9464, 0)(value);
  if (n > 65535) throw new InvalidArgumentError('give a port number, like 9464');
  return n;
}

const warnTo = (context: CliContext) => (message: string) => {
  context.stderr.write(`mcpwatch wrap: ${message}\n`);
};

/**
 * Runs the wrapper on this process's own stdin, stdout and signals. The wrapper owns the process while it
 * runs: the CLI's Ctrl-C handling (abort, then exit on a second one) and its EPIPE exit would end the
 * wrapper before the server, so they are replaced by forwarding to the server.
 */
async function wrapProcess(
  command: string,
  args: string[],
  flags: WrapFlags,
  context: CliContext,
): Promise<WrapOutcome> {
  const warn = warnTo(context);
  for (const signal of FORWARDED_SIGNALS) process.removeAllListeners(signal);
  process.stdout.removeAllListeners('error');
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  let extras: Awaited<ReturnType<typeof createExtras>>;
  try {
    extras = await createExtras({
      name: flags.name ?? path.basename(command),
      version,
      ...(flags.heartbeat !== undefined ? { heartbeat: flags.heartbeat } : {}),
      ...(flags.report !== undefined ? { report: flags.report } : {}),
      reportIntervalMs: flags.reportInterval * 1000,
      ...(flags.metricsPort !== undefined ? { metricsPort: flags.metricsPort } : {}),
      warn,
    });
  } catch (error) {
    // A bad heartbeat URL, say: the server still runs, without the extras.
    warn(`running without heartbeats, reports or metrics: ${(error as Error).message}`);
    extras = undefined;
  }
  return runWrapper(
    { command, args, ...(extras ? { extras } : {}) },
    {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: 'inherit',
      warn,
      onSignal: (signal, handler) => process.on(signal, handler),
    },
  );
}

/** Ends this process by the signal that ended the server, as its parent would have seen the server end. */
function mirrorSignal(signal: NodeJS.Signals): void {
  // With no listener left, Node restores the default action, which for these signals ends the process.
  process.removeAllListeners(signal);
  try {
    process.kill(process.pid, signal);
  } catch {}
}
