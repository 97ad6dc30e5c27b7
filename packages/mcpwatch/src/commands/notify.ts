import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { ConfigError } from '../config/config-error.js';
import { loadConfigFile } from '../config/load-config.js';
import { substituteDeep } from '../env-vars.js';
import type { Delivery } from '../notify/notifier.js';
import { PROVIDERS } from '../notify/providers/index.js';
import { sendTest } from '../notify/test-message.js';
import { clean } from '../render.js';
import { UsageError } from '../usage-error.js';
import { openCliStore } from './store-options.js';

interface NotifyTestFlags {
  config: string;
  database?: string;
  json?: boolean;
}

type ChannelEntry = { type: string } & Record<string, unknown>;

/** Exit codes: 0 the provider accepted the message, 2 it did not, 3 the command or the channel is wrong. */
const EXIT_SENT = 0;
const EXIT_FAILED = 2;

/**
 * `mcpwatch notify test <channel>`: sends a test message through one channel now, with the settings and
 * environment `mcpwatch serve` would use, and prints what the provider answered. Proves a channel before an
 * outage does; nothing is written to the store.
 */
export function registerNotify(program: Command, context: CliContext): void {
  const env = context.env;
  const notify = program
    .command('notify')
    .summary('notification channels: send a test message')
    .description('Work with the notification channels of mcpwatch.yaml and of the API.');
  notify
    .command('test')
    .summary('send a test message through a channel now')
    .description(
      'Send a test message through a channel from mcpwatch.yaml (or, with --database, one created through the API), resolving ${NAME} references from the environment, and print what the provider answered. Exits 0 when it accepted the message, 2 when it did not, 3 when the channel cannot be used.',
    )
    .argument('<channel>', 'the channel name')
    .option(
      '-c, --config <file>',
      'the config file that defines the channel',
      env.MCPWATCH_CONFIG ?? 'mcpwatch.yaml',
    )
    .option(
      '--database <url>',
      'also look among channels created through the API in this store: sqlite:<path> or postgres://… (MCPWATCH_DATABASE)',
      env.MCPWATCH_DATABASE,
    )
    .option('--json', 'print the delivery as JSON and nothing else on stdout')
    .action(async (channel: string, flags: NotifyTestFlags) => {
      context.exit(await notifyTest(channel, flags, context));
    });
}

async function notifyTest(name: string, flags: NotifyTestFlags, context: CliContext): Promise<number> {
  const found = await findChannel(name, flags, context);
  const { type, ...raw } = found.entry;
  const provider = (PROVIDERS as Record<string, (typeof PROVIDERS)[keyof typeof PROVIDERS]>)[type];
  if (!provider) {
    throw new UsageError(
      `The channel "${name}" has type "${type}", which mcpwatch does not know: use one of ${Object.keys(PROVIDERS).join(', ')}`,
    );
  }
  let resolved: unknown;
  try {
    resolved = substituteDeep(raw, { env: context.env }, `channel "${name}"`);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const parsed = provider.config.safeParse(resolved);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : 'its settings';
    throw new UsageError(`The channel "${name}" (${found.where}) is invalid: ${field}: ${issue?.message}`);
  }
  const delivery = await sendTest(name, { notifier: provider, config: parsed.data });
  if (flags.json) context.stdout.write(`${JSON.stringify({ channel: name, type, delivery }, null, 2)}\n`);
  else context.stdout.write(describe(name, type, delivery));
  return delivery.ok ? EXIT_SENT : EXIT_FAILED;
}

/** The channel from the config file, else from the store when one is named; a usage error says where it looked. */
async function findChannel(
  name: string,
  flags: NotifyTestFlags,
  context: CliContext,
): Promise<{ entry: ChannelEntry; where: string }> {
  const fromFile = await fileChannels(flags, context);
  const entry = fromFile?.[name];
  if (entry) return { entry, where: flags.config };
  if (flags.database !== undefined) {
    const stored = await storedChannel(flags.database, name);
    if (stored) return { entry: stored, where: 'created through the API' };
  }
  const known = Object.keys(fromFile ?? {});
  const places = [
    fromFile ? flags.config : undefined,
    flags.database !== undefined ? 'the database' : undefined,
  ].filter(Boolean);
  throw new UsageError(
    `There is no channel named "${name}" in ${places.join(' or ')}${known.length ? ` (it has: ${known.join(', ')})` : ''}: check the name, or add it under channels:`,
  );
}

/** The file's channels; undefined when the file does not exist and a database is there to look in instead. */
async function fileChannels(
  flags: NotifyTestFlags,
  context: CliContext,
): Promise<Record<string, ChannelEntry> | undefined> {
  if (flags.database !== undefined && !existsSync(flags.config)) return undefined;
  try {
    const config = await loadConfigFile(flags.config, { env: context.env });
    return Object.fromEntries(
      Object.entries(config.channels ?? {}).map(([n, c]) => [n, { ...c, type: String(c.type) }]),
    );
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

async function storedChannel(url: string, name: string): Promise<ChannelEntry | undefined> {
  // Looking must not create an empty database where a typo pointed.
  const store = await openCliStore(url, { hint: 'point --database at the one serve uses' });
  try {
    const channel = await store.getChannel(name);
    return channel && { ...channel.config, type: channel.type };
  } finally {
    await store.close();
  }
}

/** One line a person reads: what happened, and what the provider said (cleaned of control characters). */
export function describe(name: string, type: string, delivery: Delivery): string {
  const status = delivery.status !== undefined ? `HTTP ${delivery.status}` : undefined;
  if (delivery.ok) {
    const said = [status, delivery.response].filter(Boolean).join(': ');
    return `Sent a test message through "${name}" (${type})${said ? `: ${clean(said)}` : ''}\n`;
  }
  const next = delivery.permanent
    ? 'retrying will not help: fix the channel settings'
    : 'a notification would be retried; check that the receiver is up';
  return `The test message through "${name}" (${type}) failed: ${clean(delivery.error)} (${next})\n`;
}
