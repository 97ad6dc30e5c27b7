import { type Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from './cli.js';
import type { CliContext } from './cli-context.js';
import { parseClientConfig } from './client-config.js';
import { httpOptionsFromFlags, tcpOptionsFromFlags } from './probe-options.js';
import { jobFromOperands, jobsFromConfig, type McpTargetFlags } from './probe-plan.js';
import { UsageError } from './usage-error.js';

const env = { TOKEN: 's3cret', DB: 'postgres://db' };

function context(): CliContext {
  const sink = { write: () => true };
  return {
    stdout: sink,
    stderr: sink,
    env,
    home: '/home/someone',
    signal: new AbortController().signal,
    exit: () => {},
  };
}

/**
 * Parses a command line with the real program, but captures what the command would act on instead of
 * probing: this pins flag spelling (commander) and flag meaning (the builders) together.
 */
async function parse(
  argv: string[],
  path: string[] = ['probe'],
): Promise<{ operands: unknown; flags: unknown }> {
  const program = createProgram(context());
  let command: Command = program;
  for (const name of path) command = command.commands.find((c) => c.name() === name) as Command;
  let captured: { operands: unknown; flags: unknown } | undefined;
  command.action((operands: unknown, flags: unknown) => {
    captured = { operands, flags };
  });
  await program.parseAsync([...path, ...argv], { from: 'user' });
  if (!captured) throw new Error('the command did not run');
  return captured;
}

async function mcpJob(argv: string[]) {
  const { operands, flags } = await parse(argv);
  return jobFromOperands(operands as string[], flags as McpTargetFlags, { env });
}

describe('mcpwatch probe <url>', () => {
  it('leaves every default to the probe when no flag is given', async () => {
    expect(await mcpJob(['https://mcp.example.com/mcp'])).toEqual({
      kind: 'mcp',
      target: 'https://mcp.example.com/mcp',
      options: {},
    });
  });

  it('maps each flag to its probe option', async () => {
    const job = await mcpJob([
      '-H',
      'Authorization: Bearer ${TOKEN}',
      '--header',
      'X-Team:  core ',
      '--timeout',
      '8000',
      '--phase-timeout',
      '2000',
      '--slow',
      '1500',
      '--max-bytes',
      '65536',
      '--transport',
      'sse',
      '--era',
      'legacy',
      '--protocol-version',
      '2025-06-18',
      '--expect-tool',
      'search',
      '--expect-tool',
      'append',
      '--no-ping',
      '--resources',
      '--prompts',
      '--call',
      'search',
      '--args',
      '{"q":"${TOKEN}","limit":2}',
      '--expect-text',
      'hits',
      '--expect-match',
      '^\\d+ hits',
      '--json-path',
      '$.hits[0].id',
      '--equals',
      '"n1"',
      '--insecure',
      '--cert-warn-days',
      '0',
      'https://mcp.example.com/mcp',
    ]);
    expect(job).toEqual({
      kind: 'mcp',
      target: 'https://mcp.example.com/mcp',
      options: {
        headers: { Authorization: 'Bearer s3cret', 'X-Team': 'core' },
        timeoutMs: 8000,
        phaseTimeoutMs: 2000,
        slowMs: 1500,
        maxBytes: 65536,
        transport: 'sse',
        era: 'legacy',
        protocolVersion: '2025-06-18',
        expectTools: ['search', 'append'],
        ping: false,
        listResources: true,
        listPrompts: true,
        call: {
          tool: 'search',
          arguments: { q: 's3cret', limit: 2 },
          textContains: 'hits',
          textMatches: '^\\d+ hits',
          jsonPath: '$.hits[0].id',
          equals: 'n1',
        },
        tls: { insecure: true, expiryWarnDays: 0 },
      },
    });
  });

  it('turns flag mistakes into usage errors that say what to do', async () => {
    const cases: [string[], RegExp][] = [
      [['--args', '{}', 'https://x/mcp'], /--args checks a tool call: add --call TOOL/],
      [['--call', 't', '--equals', '1', 'https://x/mcp'], /--equals compares the value at --json-path PATH/],
      [
        ['--call', 't', '--args', '{oops}', 'https://x/mcp'],
        /--args is not valid JSON .*: quote it for the shell/,
      ],
      [['--call', 't', '--args', '[1]', 'https://x/mcp'], /--args must be a JSON object/],
      [
        ['--call', 't', '--json-path', '$.a', '--equals', 'ok', 'https://x/mcp'],
        /--equals is not valid JSON/,
      ],
      [['--call', 't', '--json-path', 'a.b', 'https://x/mcp'], /must start with \$/],
      [['--call', 't', '--expect-match', '(', 'https://x/mcp'], /is not a valid regular expression/],
      [['-H', 'no colon here', 'https://x/mcp'], /is not "Name: value"/],
      [
        ['-H', 'Authorization: Bearer ${MISSING}', 'https://x/mcp'],
        /\$\{MISSING\} in --header Authorization is not set/,
      ],
      [['--env', 'A=1', 'https://x/mcp'], /--env and --cwd are for a command/],
      [['--transport', 'stdio', 'https://x/mcp'], /--transport stdio needs a command/],
      [
        ['--transport', 'sse', '--era', 'modern', 'https://x/mcp'],
        /HTTP\+SSE transport predates the modern era/,
      ],
      [['ws://x/mcp'], /is not http\(s\)/],
      [['https://x/mcp', 'extra'], /A URL takes no further arguments/],
      [[], /Say what to probe/],
    ];
    for (const [argv, message] of cases) {
      await expect(mcpJob(argv), argv.join(' ')).rejects.toThrow(message);
      await expect(mcpJob(argv)).rejects.toBeInstanceOf(UsageError);
    }
  });

  it('rejects a number that is not one before anything runs', async () => {
    await expect(parse(['--timeout', '5s', 'https://x/mcp'])).rejects.toBeInstanceOf(CommanderError);
    await expect(parse(['--era', 'future', 'https://x/mcp'])).rejects.toThrow(
      /Allowed choices are auto, modern, legacy/,
    );
  });
});

describe('mcpwatch probe -- <command>', () => {
  it('takes everything after -- as the command line, its flags included', async () => {
    const job = await mcpJob([
      '--env',
      'DATABASE_URL=${DB}',
      '--env',
      'MODE=a=b',
      '--cwd',
      '/srv/app',
      '--',
      'node',
      'server.js',
      '--port',
      '3000',
      '--token=${TOKEN}',
    ]);
    expect(job).toEqual({
      kind: 'mcp',
      target: {
        command: 'node',
        args: ['server.js', '--port', '3000', '--token=s3cret'],
        env: { DATABASE_URL: 'postgres://db', MODE: 'a=b' },
        cwd: '/srv/app',
      },
      options: { transport: 'stdio' },
    });
  });

  it('says where secrets go and which transports apply', async () => {
    await expect(mcpJob(['-H', 'A: b', '--', 'node', 's.js'])).rejects.toThrow(
      /give a stdio server its secrets with --env/,
    );
    await expect(mcpJob(['--transport', 'sse', '--', 'node', 's.js'])).rejects.toThrow(
      /--transport sse needs a URL/,
    );
    await expect(mcpJob(['--env', 'not-a-pair', '--', 'node'])).rejects.toThrow(/is not KEY=VALUE/);
  });
});

describe('mcpwatch probe --config', () => {
  const config = parseClientConfig(
    {
      mcpServers: {
        api: {
          type: 'http',
          url: 'https://api.example.com/mcp',
          headers: { Authorization: 'Bearer ${TOKEN}' },
        },
        db: { type: 'stdio', command: 'db-mcp', env: { DB_URL: '${DB}', MODE: 'ro' } },
      },
    },
    'mcp.json',
  );

  it('applies the flags over each server: headers to HTTP ones, env and cwd to stdio ones', async () => {
    const { flags } = await parse([
      '--config',
      'mcp.json',
      '--all',
      '-H',
      'X-Probe: 1',
      '--env',
      'MODE=rw',
      '--cwd',
      '/w',
      '--timeout',
      '3000',
    ]);
    expect(jobsFromConfig(config, flags as McpTargetFlags, { env }, '/home/someone')).toEqual([
      {
        kind: 'mcp',
        name: 'api',
        target: 'https://api.example.com/mcp',
        options: {
          timeoutMs: 3000,
          transport: 'streamable-http',
          headers: { Authorization: 'Bearer s3cret', 'X-Probe': '1' },
        },
      },
      {
        kind: 'mcp',
        name: 'db',
        target: { command: 'db-mcp', args: [], env: { DB_URL: 'postgres://db', MODE: 'rw' }, cwd: '/w' },
        options: { timeoutMs: 3000, transport: 'stdio' },
      },
    ]);
  });

  it('wants --server or --all, not both', async () => {
    const { flags } = await parse(['--config', 'mcp.json', '--all', '--server', 'api']);
    expect(() => jobsFromConfig(config, flags as McpTargetFlags, { env }, '/h')).toThrow(
      'Give either --server NAME or --all, not both',
    );
  });
});

describe('mcpwatch probe http / tcp', () => {
  it('maps the http flags', async () => {
    const { flags } = await parse(
      [
        '--method',
        'post',
        '-H',
        'Authorization: Bearer ${TOKEN}',
        '--body',
        '{}',
        '--expect-status',
        '200,3xx',
        '--expect-status',
        '204',
        '--expect-text',
        'ok',
        '--expect-match',
        'o+k',
        '--json-path',
        '$.status',
        '--equals',
        '"ok"',
        '--expect-header',
        'Cache-Control: no-store',
        '--expect-header',
        'ETag',
        'https://x/healthz',
      ],
      ['probe', 'http'],
    );
    expect(httpOptionsFromFlags(flags as never, { env })).toEqual({
      method: 'POST',
      headers: { Authorization: 'Bearer s3cret' },
      body: '{}',
      expectStatus: [200, '3xx', 204],
      bodyContains: 'ok',
      bodyMatches: 'o+k',
      jsonPath: '$.status',
      equals: 'ok',
      expectHeaders: { 'Cache-Control': 'no-store', ETag: undefined },
    });
    expect(() => httpOptionsFromFlags({ expectStatus: ['20x'] }, { env })).toThrow(/is not a status/);
  });

  it('maps the tcp flags, with \\r\\n escapes in what is sent', async () => {
    const { flags } = await parse(
      ['--tls', '--send', 'PING\\r\\n', '--expect-text', '+PONG', '--timeout', '900', 'redis:6379'],
      ['probe', 'tcp'],
    );
    expect(tcpOptionsFromFlags(flags as never, { env })).toEqual({
      secure: true,
      send: 'PING\r\n',
      expect: '+PONG',
      timeoutMs: 900,
    });
  });
});
