import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import type { ClientConfig } from '../client-config.js';
import { discoverClientConfigs } from '../config/discover-client-configs.js';
import { importMonitors } from '../config/import-monitors.js';
import { mergeMonitors } from '../config/merge-config.js';
import { readImportSource } from '../config/read-import-sources.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';
import { DEFAULT_WRAPPER, lineDiff, wrapClientConfig } from '../wrap/rewrite-config.js';

interface ImportFlags {
  discover?: boolean;
  write?: string;
  dryRun?: boolean;
  wrap?: boolean;
  wrapper?: string;
}

/**
 * `mcpwatch import`: turns the MCP client configs people already have into monitors, one per server,
 * named as in the client. Prints the YAML, or merges it into a file with --write.
 */
export function registerImport(program: Command, context: CliContext): void {
  const command = program
    .command('import')
    .summary('turn MCP client configs (Claude, Cursor, VS Code, Windsurf) into monitors')
    .description(
      'Turn MCP client configs (Claude Desktop, Claude Code, Cursor, VS Code, Windsurf) into mcpwatch monitors, one per server, keeping its name. Secrets stay in the environment: header values become ${NAME} references.',
    )
    .argument('[path...]', 'client config files to import')
    .option('--discover', 'also import the client configs found in their usual places for this OS')
    .option('--write <file>', 'add the monitors to this mcpwatch.yaml (created if missing), keeping its own')
    .option(
      '--dry-run',
      'with --write: print the file as it would be, and write nothing; with --wrap: the diff',
    )
    .option(
      '--wrap',
      'instead of making monitors, rewrite the named client configs to start every stdio server through mcpwatch wrap (a backup is kept, the diff printed)',
    )
    .option(
      '--wrapper <command>',
      `with --wrap: how to start mcpwatch (default: "${DEFAULT_WRAPPER.join(' ')}")`,
    );
  command.action(async (paths: string[], flags: ImportFlags) => {
    if (flags.wrap || flags.wrapper !== undefined) {
      await wrapConfigs(paths, flags, context);
      return;
    }
    const cwd = process.cwd();
    const files = [...paths];
    if (flags.discover) {
      const found = await discoverClientConfigs({
        home: context.home,
        cwd,
        platform: process.platform,
        env: context.env,
      });
      if (found.length === 0)
        context.stderr.write('mcpwatch: found no MCP client configs in their usual places\n');
      for (const candidate of found) {
        context.stderr.write(`mcpwatch: found ${candidate.client} config ${candidate.file}\n`);
        if (!files.includes(candidate.file)) files.push(candidate.file);
      }
    } else if (files.length === 0) {
      throw new UsageError('give client config files to import, or --discover to find them');
    }
    if (flags.dryRun && flags.write === undefined) {
      throw new UsageError('--dry-run goes with --write FILE; without --write nothing is written anyway');
    }
    const configs: ClientConfig[] = [];
    for (const file of files) {
      try {
        configs.push(await readImportSource(file, cwd));
      } catch (error) {
        // A discovered file may be some other tool's; one the user named must be right.
        if (!flags.discover || paths.includes(file)) throw error;
        context.stderr.write(`mcpwatch: skipped ${file}: ${(error as Error).message}\n`);
      }
    }
    const result = importMonitors(configs, context.home);
    for (const note of result.notes) context.stderr.write(`mcpwatch: ${note}\n`);
    const existing = flags.write === undefined ? undefined : await readExisting(flags.write);
    let merged: ReturnType<typeof mergeMonitors>;
    try {
      merged = mergeMonitors(existing, result.monitors);
    } catch (error) {
      throw new UsageError(`${flags.write} cannot be merged into: ${(error as Error).message}`);
    }
    if (merged.duplicates.length > 0) {
      context.stderr.write(
        `mcpwatch: ${flags.write} already has monitors named ${merged.duplicates.join(', ')}: kept those, skipped the imported ones\n`,
      );
    }
    if (flags.write === undefined || flags.dryRun) context.stdout.write(merged.text);
    if (flags.write !== undefined && !flags.dryRun) await writeMerged(flags.write, merged.text);
    const count = `${merged.added.length} monitor${merged.added.length === 1 ? '' : 's'} from ${configs.length} file${configs.length === 1 ? '' : 's'}`;
    context.stderr.write(
      flags.write === undefined
        ? `mcpwatch: imported ${count}\n`
        : `mcpwatch: ${flags.dryRun ? 'would add' : 'added'} ${count} to ${flags.write}\n`,
    );
    if (result.variables.length > 0) {
      context.stderr.write(
        `mcpwatch: these monitors read ${result.variables.join(', ')} from the environment\n`,
      );
    }
    context.exit(EXIT.up);
  });
}

/** `import --wrap`: rewrites each named client config in place, after a backup, printing the diff. */
async function wrapConfigs(paths: string[], flags: ImportFlags, context: CliContext): Promise<void> {
  if (!flags.wrap) throw new UsageError('--wrapper goes with --wrap');
  if (flags.discover || flags.write !== undefined) {
    throw new UsageError(
      '--wrap rewrites the client configs you name, and goes with neither --discover nor --write: give the files',
    );
  }
  if (paths.length === 0) throw new UsageError('give the client config files to rewrite with --wrap');
  const wrapper = flags.wrapper?.trim().split(/\s+/) ?? DEFAULT_WRAPPER;
  if (wrapper[0] === undefined || wrapper[0] === '') {
    throw new UsageError(
      '--wrapper takes the command that starts mcpwatch, like "mcpwatch" or "npx -y mcpwatch"',
    );
  }
  for (const file of paths) {
    const before = await readConfig(file);
    const result = wrapClientConfig(before, file, wrapper);
    for (const { name, why } of result.skipped)
      context.stderr.write(`mcpwatch: ${file}: left "${name}" alone: ${why}\n`);
    if (result.wrapped.length === 0) {
      context.stderr.write(`mcpwatch: ${file}: no stdio server to wrap\n`);
      continue;
    }
    context.stdout.write(lineDiff(before, result.text, [file, `${file} (wrapped)`]));
    if (result.lostComments) {
      context.stderr.write(
        `mcpwatch: ${file} had comments or trailing commas, which the rewritten file does not keep${flags.dryRun ? '' : ' (the backup does)'}\n`,
      );
    }
    const servers = `${result.wrapped.length} stdio server${result.wrapped.length === 1 ? '' : 's'} (${result.wrapped.join(', ')})`;
    if (flags.dryRun) {
      context.stderr.write(`mcpwatch: would wrap ${servers} in ${file}\n`);
      continue;
    }
    const backup = await writeBackup(file, before);
    await writeMerged(file, result.text);
    context.stderr.write(`mcpwatch: wrapped ${servers} in ${file}; the old file is ${backup}\n`);
  }
  if (!flags.dryRun)
    context.stderr.write(
      'mcpwatch: restart the client (or reload its MCP servers) to use the wrapped commands\n',
    );
  context.exit(EXIT.up);
}

async function readConfig(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `${file} does not exist: give the path of an MCP client config such as .mcp.json`
        : `${file} cannot be read (${why(error)}): check its permissions`,
    );
  }
}

/** Copies the old text beside the file, as FILE.bak, or FILE.bak.1, .2… when that exists: never overwritten. */
async function writeBackup(file: string, text: string): Promise<string> {
  for (let n = 0; n < 1000; n++) {
    const backup = n === 0 ? `${file}.bak` : `${file}.bak.${n}`;
    try {
      await writeFile(backup, text, { flag: 'wx' });
      return backup;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new UsageError(`${backup} cannot be written (${why(error)}): the config was left unchanged`);
    }
  }
  throw new UsageError(`${file} has 1,000 backups already: remove some; the config was left unchanged`);
}

async function readExisting(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`${file} cannot be read (${why(error)}): check its permissions`);
  }
}

/** A folder that does not exist or a file the user may not write is their mistake to fix, not a crash. */
async function writeMerged(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    throw new UsageError(
      `${file} cannot be written (${why(error)}): check that its folder exists and its permissions`,
    );
  }
}

function why(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
