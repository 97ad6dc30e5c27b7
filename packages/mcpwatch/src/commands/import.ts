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

interface ImportFlags {
  discover?: boolean;
  write?: string;
  dryRun?: boolean;
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
    .option('--dry-run', 'with --write: print the file as it would be, and write nothing');
  command.action(async (paths: string[], flags: ImportFlags) => {
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
