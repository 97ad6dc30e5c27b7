import { type Command, InvalidArgumentError } from 'commander';

/** What a command may touch, passed in so tests can run commands without the real process. */
export interface CliContext {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** The user's home folder, for `${userHome}` in client configs. */
  home: string;
  /** Aborted on Ctrl-C or SIGTERM: probes stop, stdio servers are ended, partial results are printed. */
  signal: AbortSignal;
  /** Commands report their exit code here; commander's actions return nothing. */
  exit(code: number): void;
}

/** Repeatable options (-H, --env, --expect-tool) collect into an array. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A parser for whole-number options that tells the user what to type. */
export function wholeNumber(what: string, example: number, min = 1): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`give ${what}, like ${example}`);
    }
    return n;
  };
}

/**
 * Commander's errors become one line naming the command's help, and exit code 3 instead of its 1;
 * its help and version output go to the context's streams. Applied to the command and every command
 * under it, so a command cannot be added without it.
 */
export function configureErrors(command: Command, context: CliContext): void {
  for (const sub of command.commands) configureErrors(sub, context);
  const help = `mcpwatch ${commandPath(command)}--help`;
  command.configureOutput({
    writeOut: (text) => context.stdout.write(text),
    writeErr: (text) => context.stderr.write(text),
    outputError: (text, write) => {
      const line = text
        .replace(/^error: /, '')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean)
        .join(' ');
      write(`mcpwatch: ${line}; see ${help}\n`);
    },
  });
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.length ? `${names.join(' ')} ` : '';
}
