/**
 * End to end: the built CLI (`npm test` builds first) against the bundled example server on loopback and
 * the reference server-everything over stdio, checking exit codes, stdout and stderr.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProbeResult } from '@mcpwatch/probe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleServer, startExampleServer } from './demo/example-server.js';

const bin = fileURLToPath(new URL('../bin/mcpwatch.js', import.meta.url));
const built = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const everything = fileURLToPath(
  new URL('../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url),
);
const ESC = '\u001b[';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function mcpwatch(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = { ...process.env };
  // The runner's colour settings must not leak into what the tests expect of a pipe.
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...base, ...env }, timeout: 25_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs mcpwatch and checks its exit code, showing the command line and stderr when it differs. */
async function exits(code: number, args: string[], env?: Record<string, string>): Promise<Run> {
  const run = await mcpwatch(args, env);
  expect(run.code, `mcpwatch ${args.join(' ')}\n${run.stderr}`).toBe(code);
  return run;
}

const json = <T = ProbeResult>(run: Run): T => JSON.parse(run.stdout) as T;

let server: ExampleServer;
let closedUrl: string;
let tmp: string;

beforeAll(async () => {
  if (!existsSync(built)) {
    throw new Error(
      'The CLI is not built: run `npx tsc -b packages/probe packages/mcpwatch` (npm test does)',
    );
  }
  server = await startExampleServer();
  // A port that was just listening and is now closed: a server that went away.
  const gone = http.createServer();
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/mcp`;
  await new Promise<void>((resolve) => gone.close(() => resolve()));
  tmp = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-cli-'));
});

afterAll(async () => {
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('mcpwatch probe <url>', () => {
  it('exits 0 and prints only the ProbeResult with --json', async () => {
    const run = await exits(0, ['probe', '--json', server.url]);
    expect(run.stderr).toBe('');
    const result = json(run);
    expect(result).toMatchObject({
      kind: 'mcp',
      target: server.url,
      status: 'up',
      mcp: { transport: 'streamable-http', era: 'modern', serverInfo: { name: 'mcpwatch-example' } },
    });
    expect(result.mcp?.tools?.map((t) => t.name)).toEqual(['echo', 'add', 'time']);
    expect(result.reason).toBeUndefined();
  });

  it('prints the human report without colour into a pipe, checking a legacy tool call', async () => {
    const run = await exits(0, [
      'probe',
      '--era',
      'legacy',
      '--call',
      'add',
      '--args',
      '{"a":2,"b":40}',
      '--json-path',
      '$.sum',
      '--equals',
      '42',
      server.url,
    ]);
    expect(run.stdout.split('\n')[0]).toBe(`UP  ${server.url}`);
    expect(run.stdout).toContain('  era        legacy, protocol 2025-11-25\n');
    expect(run.stdout).toContain('  call       add -> "42"\n');
    expect(run.stdout).toMatch(/\n {2}handshake +[\d.]+ {2}\|[ #]+\|\n/);
    expect(run.stdout).toContain('    add   Adds two numbers and returns the sum as structured content.\n');
    expect(run.stdout).not.toContain(ESC);
  });

  it('colours with FORCE_COLOR, and not with --no-color or NO_COLOR', async () => {
    const [forced, flag, env] = await Promise.all([
      mcpwatch(['probe', server.url], { FORCE_COLOR: '1' }),
      mcpwatch(['probe', '--no-color', server.url], { FORCE_COLOR: '1' }),
      mcpwatch(['probe', server.url], { FORCE_COLOR: '1', NO_COLOR: '1' }),
    ]);
    expect(forced.stdout).toContain(`${ESC}32mUP`);
    expect(flag.stdout).not.toContain(ESC);
    expect(env.stdout).not.toContain(ESC);
  });

  it('exits 2 when nothing listens, naming the reason', async () => {
    const run = await exits(2, ['probe', '--json', closedUrl]);
    expect(json(run)).toMatchObject({ status: 'down', reason: 'connect_refused', phase: 'connect' });
    const human = await exits(2, ['probe', closedUrl]);
    expect(human.stdout).toContain(
      'reason: connect_refused (connect phase): Nothing is listening on that port',
    );
  });

  it('exits 2 when an expected tool is missing or a check on the call fails', async () => {
    const missing = await exits(2, ['probe', '--json', '--expect-tool', 'deploy', server.url]);
    expect(json(missing)).toMatchObject({ status: 'down', reason: 'tool_missing' });
    const wrong = await exits(2, [
      'probe',
      '--call',
      'echo',
      '--args',
      '{"text":"hi"}',
      '--expect-text',
      'bye',
      server.url,
    ]);
    expect(wrong.stdout).toContain('FAIL text_contains');
  });

  it('exits 3 with one line on stderr for usage errors, before probing', async () => {
    const cases: [string[], RegExp][] = [
      [['probe', '--call', 'echo', '--args', '{text', server.url], /^mcpwatch: --args is not valid JSON/],
      [
        ['probe', '-H', 'Authorization: Bearer ${MCPWATCH_TEST_UNSET}', server.url],
        /MCPWATCH_TEST_UNSET.* is not set/,
      ],
      [['probe', '--bogus', server.url], /^mcpwatch: unknown option '--bogus'; see mcpwatch probe --help/],
      [['probe', '--timeout', 'soon', server.url], /argument 'soon' is invalid/],
      [['probe'], /^mcpwatch: Say what to probe/],
      [['probe', '--timeout', '100', 'http', server.url], /--timeout goes after "probe http"/],
    ];
    const runs = await Promise.all(cases.map(([args]) => mcpwatch(args)));
    for (const [i, [args, message]] of cases.entries()) {
      const run = runs[i] as Run;
      expect(run.code, args.join(' ')).toBe(3);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
  });

  it('shows help with exit code 0', async () => {
    const run = await exits(0, ['probe', '--help']);
    expect(run.stdout).toContain('--expect-tool <name>');
  });
});

describe('mcpwatch probe -- <command>', () => {
  it('exits 0 for the reference server over stdio', async () => {
    const run = await exits(0, ['probe', '--json', '--', process.execPath, everything, 'stdio']);
    const result = json(run);
    expect(result).toMatchObject({ status: 'up', mcp: { transport: 'stdio', era: 'legacy' } });
    expect(result.mcp?.tools?.map((t) => t.name)).toContain('echo');
  });

  it('exits 1 when a server writes a banner to stdout', async () => {
    const banner = `console.log('welcome to my server'); import(require('node:url').pathToFileURL(process.argv[1]).href)`;
    const run = await exits(1, ['probe', '--', process.execPath, '-e', banner, everything]);
    expect(run.stdout.split('\n')[0]).toMatch(/^DEGRADED /);
    expect(run.stdout).toContain('WARN stdout_clean');
  });

  it('exits 2 and shows its last stderr lines when the server dies', async () => {
    const run = await exits(2, [
      'probe',
      '--',
      process.execPath,
      '-e',
      'console.error("loading config"); console.error("Error: DATABASE_URL is not set"); process.exit(3)',
    ]);
    expect(run.stdout).toContain('reason: process_exited');
    expect(run.stdout).toContain('  exit code  3\n');
    expect(run.stdout).toContain(
      '  stderr (last 2 lines)\n    | loading config\n    | Error: DATABASE_URL is not set\n',
    );
  });

  it('exits 2 when the command does not exist', async () => {
    const run = await exits(2, ['probe', '--json', '--', 'mcpwatch-no-such-command']);
    expect(json(run)).toMatchObject({ status: 'down', reason: 'spawn_failed' });
  });
});

describe('mcpwatch probe --config', () => {
  it('probes every server with --all, prints an array, and exits with the worst code', async () => {
    const file = path.join(tmp, '.mcp.json');
    await writeFile(
      file,
      JSON.stringify({
        mcpServers: {
          example: { type: 'http', url: '${EXAMPLE_URL}' },
          everything: { type: 'stdio', command: process.execPath, args: [everything, 'stdio'] },
          gone: { type: 'http', url: closedUrl },
        },
      }),
    );
    const run = await exits(2, ['probe', '--json', '--config', file, '--all'], { EXAMPLE_URL: server.url });
    const results = json<ProbeResult[]>(run);
    expect(results.map((r) => [r.target, r.status])).toEqual([
      [server.url, 'up'],
      [`${process.execPath} ${everything} stdio`, 'up'],
      [closedUrl, 'down'],
    ]);

    const one = await exits(0, ['probe', '--config', file, '--server', 'example'], {
      EXAMPLE_URL: server.url,
    });
    expect(one.stdout.split('\n')[0]).toBe(`UP  example  ${server.url}`);

    const human = await exits(2, ['probe', '--config', file, '--all'], { EXAMPLE_URL: server.url });
    expect(human.stdout).toContain('3 servers: 2 up, 0 degraded, 1 down\n');
  });

  it('exits 3 naming the servers, or the variable a server needs', async () => {
    const file = path.join(tmp, 'claude_desktop_config.json');
    await writeFile(
      file,
      JSON.stringify({ mcpServers: { a: { url: '${MCPWATCH_TEST_UNSET}' }, b: { command: 'b' } } }),
    );
    const unknown = await exits(3, ['probe', '--config', file, '--server', 'c']);
    expect(unknown.stderr).toBe(`mcpwatch: There is no server "c" in ${file}: pick one of a, b\n`);
    const unset = await exits(3, ['probe', '--config', file, '--server', 'a']);
    expect(unset.stderr).toContain(`\${MCPWATCH_TEST_UNSET} in the url of server "a" in ${file} is not set`);
    const missing = await exits(3, ['probe', '--config', path.join(tmp, 'nope.json'), '--all']);
    expect(missing.stderr).toMatch(/nope.json does not exist/);
  });
});

describe('mcpwatch probe http / tcp', () => {
  it('checks a health endpoint', async () => {
    const ok = await exits(0, [
      'probe',
      'http',
      '--json-path',
      '$.status',
      '--equals',
      '"ok"',
      server.healthUrl,
    ]);
    expect(ok.stdout).toContain('  http       status 200');
    const wrong = await exits(2, ['probe', 'http', '--json', '--expect-status', '200', `${server.url}-nope`]);
    expect(json(wrong)).toMatchObject({ kind: 'http', reason: 'http_status', http: { status: 404 } });
  });

  it('checks a TCP port', async () => {
    const port = new URL(server.url).port;
    const up = await exits(0, ['probe', 'tcp', '--json', `127.0.0.1:${port}`]);
    expect(json(up)).toMatchObject({ kind: 'tcp', status: 'up' });
    await exits(3, ['probe', 'tcp', 'no-port-here']);
  });
});

describe('mcpwatch demo', () => {
  it('probes the example server in both eras and over HTTP, then exits 0', async () => {
    const run = await exits(0, ['demo']);
    expect(run.stdout).toContain('UP  example, modern era');
    expect(run.stdout).toContain('UP  example, legacy era');
    expect(run.stdout).toContain('UP  example, /healthz');
    const asJson = await mcpwatch(['demo', '--json']);
    expect(json<ProbeResult[]>(asJson).map((r) => [r.kind, r.mcp?.era, r.status])).toEqual([
      ['mcp', 'modern', 'up'],
      ['mcp', 'legacy', 'up'],
      ['http', undefined, 'up'],
    ]);
  });
});
