import { readFile } from 'node:fs/promises';
import { httpOptionsSchema, mcpOptionsSchema, type ProbeResult } from '@mcpwatch/probe';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { wantsColor } from '../ansi.js';
import { type CliContext, collect, wholeNumber } from '../cli-context.js';
import { FORMAT_NAMES, readClientConfig } from '../client-config.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import {
  type CommonFlags,
  type HttpFlags,
  httpOptionsFromFlags,
  type TcpFlags,
  tcpOptionsFromFlags,
} from '../probe-options.js';
import {
  checkHostPort,
  checkHttpUrl,
  jobFromOperands,
  jobsFromConfig,
  type McpTargetFlags,
  type ProbeJob,
} from '../probe-plan.js';
import { render, renderSummary } from '../render.js';
import { runJobs } from '../run-probes.js';
import { UsageError } from '../usage-error.js';

// The choices are the probe's own, so a flag cannot offer what its options schema would refuse.
const METHODS: readonly string[] = httpOptionsSchema.shape.method.unwrap().options;
const TRANSPORTS = mcpOptionsSchema.shape.transport.unwrap().options;
const ERAS = mcpOptionsSchema.shape.era.unwrap().options;

interface OutputFlags {
  json?: boolean;
  color: boolean;
  concurrency?: number;
}

/** `mcpwatch probe` (MCP over a URL, a command, or a client config) and its `http` and `tcp` siblings. */
export function registerProbe(program: Command, context: CliContext): void {
  const probe = program
    .command('probe')
    .summary('probe an MCP server as a real client would')
    .description(
      'Probe an MCP server as a real client would: agree on a protocol era, list the tools, optionally call one.\n' +
        'Exit code: 0 up, 1 degraded, 2 down, 3 usage or config error.',
    )
    .usage(
      '[options] <url>\n       mcpwatch probe [options] -- <command> [args...]\n       mcpwatch probe [options] --config <file> [--server <name> | --all]',
    )
    .argument('[target...]', 'an http(s) URL, or (after --) the command that starts a stdio server');
  probe
    .option(
      '-H, --header <header>',
      'an HTTP header, "Name: value"; repeatable; ${VAR} reads the environment',
      collect,
    )
    .addOption(new Option('--transport <transport>', 'how to connect').choices(TRANSPORTS))
    .addOption(new Option('--era <era>', 'the protocol era to speak').choices(ERAS))
    .option('--protocol-version <version>', 'the protocol revision to ask for, like 2025-06-18')
    .option('--expect-tool <name>', 'fail unless the server lists this tool; repeatable', collect)
    .option('--no-ping', 'skip the ping after a legacy handshake')
    .option('--resources', 'also list resources')
    .option('--prompts', 'also list prompts')
    .option('--call <tool>', 'call this tool after listing tools')
    .option('--args <json>', 'the tool arguments, a JSON object')
    .option('--expect-text <text>', 'the call result text must contain this')
    .option('--expect-match <regex>', 'the call result text must match this regular expression')
    .option('--json-path <path>', 'a path into the structured result, like $.items[0].id; must exist')
    .option('--equals <json>', 'the value at --json-path must equal this JSON')
    .option('--env <KEY=VALUE>', 'an environment variable for a stdio server; repeatable', collect)
    .option('--cwd <dir>', 'the working directory of a stdio server')
    .option(
      '--config <file>',
      'an MCP client config: Claude Desktop, Claude Code, Cursor, VS Code or Windsurf',
    )
    .option('--server <name>', 'the server in --config to probe')
    .option('--all', 'probe every server in --config')
    .option(
      '--concurrency <n>',
      'how many servers --all probes at once',
      wholeNumber('a whole number', 4),
      4,
    );
  addCommonOptions(probe);
  probe.action(async (operands: string[], flags: McpTargetFlags & OutputFlags) => {
    const jobs = await planMcp(operands, flags, context);
    context.exit(await runAndReport(jobs, flags, Boolean(flags.all), context));
  });

  /** The action of `probe http` and `probe tcp`: one target, its options from the flags, one report. */
  const runOne =
    <F extends CommonFlags & OutputFlags>(
      name: 'http' | 'tcp',
      plan: (target: string, flags: F) => ProbeJob,
    ) =>
    async (target: string, flags: F) => {
      rejectParentOptions(probe, name);
      const job = plan(target, { ...flags, ca: await loadCa(flags.ca) });
      context.exit(await runAndReport([job], flags, false, context));
    };

  const http = probe
    .command('http')
    .summary('probe a plain HTTP endpoint, like /healthz beside an MCP server')
    .description('Probe a plain HTTP endpoint, such as the /healthz or /ready beside an MCP server.')
    .argument('<url>', 'the http(s) URL to request')
    .option('--method <method>', 'GET (default), HEAD, POST, PUT, PATCH, DELETE or OPTIONS', (v: string) => {
      const method = v.toUpperCase();
      if (!METHODS.includes(method)) throw new InvalidArgumentError(`use one of ${METHODS.join(', ')}`);
      return method;
    })
    .option(
      '-H, --header <header>',
      'a request header, "Name: value"; repeatable; ${VAR} reads the environment',
      collect,
    )
    .option('--body <text>', 'the request body')
    .option(
      '--expect-status <status>',
      'accepted statuses, like 200 or 2xx; repeatable or comma-separated (default 2xx)',
      collect,
    )
    .option('--expect-text <text>', 'the body must contain this')
    .option('--expect-match <regex>', 'the body must match this regular expression')
    .option('--json-path <path>', 'a path into the JSON body, like $.status; must exist')
    .option('--equals <json>', 'the value at --json-path must equal this JSON')
    .option(
      '--expect-header <header>',
      'a response header that must be present ("Name") or equal ("Name: value"); repeatable',
      collect,
    );
  addCommonOptions(http);
  http.action(
    runOne('http', (url, flags: HttpFlags & OutputFlags) => {
      const options = httpOptionsFromFlags(flags, { env: context.env });
      return { kind: 'http', target: checkHttpUrl(url), options };
    }),
  );

  const tcp = probe
    .command('tcp')
    .summary('probe a TCP port, optionally sending a line and expecting a reply')
    .description('Probe a TCP port: connect, optionally over TLS, send a line and expect a reply.')
    .argument('<host:port>', 'where to connect')
    .option('--tls', 'speak TLS after connecting and check the certificate')
    .option('--send <text>', 'what to send once connected; \\r \\n \\t are understood')
    .option('--expect-text <text>', 'the reply must contain this')
    .option('--expect-match <regex>', 'the reply must match this regular expression');
  addCommonOptions(tcp);
  tcp.action(
    runOne('tcp', (target, flags: TcpFlags & OutputFlags) => {
      const options = tcpOptionsFromFlags(flags, { env: context.env });
      return { kind: 'tcp', target: checkHostPort(target), options };
    }),
  );
}

/**
 * `mcpwatch probe --timeout 5 http URL` would hand --timeout to `probe`, not to `http`, and the probe would
 * silently run without it; say where it goes instead.
 */
function rejectParentOptions(probe: Command, sub: string): void {
  const given = probe.options.find((o) => probe.getOptionValueSource(o.attributeName()) === 'cli');
  if (given) {
    throw new UsageError(
      `${given.long ?? given.flags} goes after "probe ${sub}": mcpwatch probe ${sub} [options] <target>`,
    );
  }
}

function addCommonOptions(command: Command): void {
  command
    .option(
      '--timeout <ms>',
      'deadline for the whole probe (default 10000)',
      wholeNumber('milliseconds', 10000),
    )
    .option('--phase-timeout <ms>', 'deadline for any one phase', wholeNumber('milliseconds', 3000))
    .option('--slow <ms>', 'slower than this is degraded (default 5000)', wholeNumber('milliseconds', 5000))
    .option(
      '--max-bytes <n>',
      'byte limit per response (default 10485760)',
      wholeNumber('a number of bytes', 1048576),
    )
    .option('--insecure', 'go on past an untrusted certificate (still reported)')
    .option('--ca <file>', 'a PEM file of extra trusted CA certificates; repeatable', collect)
    .option(
      '--cert-warn-days <days>',
      'degrade when the certificate expires within this many days (default 14)',
      wholeNumber('a number of days', 14, 0),
    )
    .option('--json', 'print the result as JSON and nothing else on stdout')
    .option('--no-color', 'no colours, even at a terminal (NO_COLOR does the same)');
}

async function planMcp(
  operands: string[],
  flags: McpTargetFlags & OutputFlags,
  context: CliContext,
): Promise<ProbeJob[]> {
  const source = { env: context.env };
  const withCa = { ...flags, ca: await loadCa(flags.ca) };
  if (flags.config === undefined) {
    if (flags.server !== undefined || flags.all) {
      throw new UsageError('--server and --all pick servers from a client config: add --config FILE');
    }
    return [jobFromOperands(operands, withCa, source)];
  }
  if (operands.length > 0) {
    throw new UsageError(`Give either a target (${operands.join(' ')}) or --config FILE, not both`);
  }
  const config = await readClientConfig(flags.config);
  const jobs = jobsFromConfig(config, withCa, source, context.home);
  if (flags.all) {
    const skipped = config.servers.filter((s) => s.disabled).map((s) => s.name);
    if (skipped.length) {
      context.stderr.write(`mcpwatch: skipped disabled servers in ${config.file}: ${skipped.join(', ')}\n`);
    }
  }
  if (jobs.length > 1 && !flags.json) {
    context.stderr.write(
      `mcpwatch: probing ${jobs.length} servers from ${config.file} (${FORMAT_NAMES[config.format]} format)\n`,
    );
  }
  return jobs;
}

/** --ca names files; the probe wants their PEM text. */
async function loadCa(files: string[] | undefined): Promise<string[] | undefined> {
  if (!files?.length) return undefined;
  const ca: string[] = [];
  for (const file of files) {
    try {
      ca.push(await readFile(file, 'utf8'));
    } catch (error) {
      throw new UsageError(
        `--ca ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give a PEM file of CA certificates`,
      );
    }
  }
  return ca;
}

/** Runs the jobs and prints either JSON (an array for --all) or the human reports; returns the exit code. */
async function runAndReport(
  jobs: ProbeJob[],
  flags: OutputFlags,
  many: boolean,
  context: CliContext,
): Promise<number> {
  const results = await runJobs(jobs, flags.concurrency ?? 4, context.signal);
  context.stdout.write(format(results, jobs, flags, many, context));
  if (context.signal.aborted) {
    context.stderr.write('mcpwatch: interrupted; the probes were stopped, so these results are partial\n');
    return EXIT.interrupted;
  }
  return exitCodeFor(results.map((r) => r.status));
}

function format(
  results: ProbeResult[],
  jobs: ProbeJob[],
  flags: OutputFlags,
  many: boolean,
  context: CliContext,
): string {
  if (flags.json) return `${JSON.stringify(many ? results : results[0], null, 2)}\n`;
  const color = wantsColor(context.stdout, context.env, flags.color);
  const reports = results.map((result, i) => {
    const name = jobs[i]?.name;
    return render(result, name ? { color, name } : { color });
  });
  const summary = many ? renderSummary(results, { color }) : '';
  return [...reports, summary].filter(Boolean).join('\n');
}
