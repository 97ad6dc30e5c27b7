/**
 * The built wrapper (`node bin/mcpwatch.js wrap`) between the official SDK clients and the reference servers,
 * with a recording tee on each side of it: what the client sent must be exactly what the server got, and
 * back. Then the figures it counted (/metrics, reports, heartbeats, all on loopback receivers), and how it
 * ends: the server crashing, the client closing first, signals, a command that does not exist.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client as ClientV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioV2 } from '@modelcontextprotocol/client/stdio';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../test-fixtures/until.js';
import type { WrapReport } from './report.js';
import { runWrapper } from './wrap.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const bin = here('../../bin/mcpwatch.js');
const tee = here('./test-fixtures/tee.mjs');
const lineServer = here('./test-fixtures/line-server.mjs');
const everything = here('../../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const filesystem = here('../../../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const node = process.execPath;

/** A loopback receiver for reports and heartbeat pings: keeps each request's path and JSON body. */
async function receiver() {
  const hits: { path: string; body: unknown }[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', body: text ? JSON.parse(text) : undefined });
      res.writeHead(200).end('OK\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { hits, base, close: () => new Promise((r) => server.close(r)) };
}

/** The port the wrapper says it serves /metrics on. */
async function metricsPort(stderr: () => string): Promise<number> {
  const line = await until(
    'the wrapper to serve /metrics',
    () => /serving \/metrics and \/live on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr()),
    (m) => m !== null,
  );
  return Number(line?.[1]);
}

async function scrape(port: number, p = '/metrics'): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${p}`);
  return { status: res.status, body: await res.text() };
}

/** The value of one sample in a Prometheus text exposition, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const set = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return 0;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-wrap-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 5 MB of text with characters that JSON escapes and that UTF-8 spreads over several bytes. */
const BIG = 'héllo "wörld"\t\\ 🙂 '.repeat((5 * 1024 * 1024) / 24);

describe('mcpwatch wrap in front of server-everything (SDK v1 client)', () => {
  /** One session of calls; returns what the client saw, which must not depend on the wrapper. */
  async function session(command: string, args: string[], during?: (stderr: () => string) => Promise<void>) {
    const transport = new StdioClientTransport({ command, args, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (c) => (stderr += c));
    const client = new Client({ name: 'wrap-test', version: '1.0.0' }, { capabilities: { sampling: {} } });
    // The server's own request to the client goes through the wrapper the other way.
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({
      role: 'assistant' as const,
      content: { type: 'text' as const, text: 'sampled' },
      model: 'test',
    }));
    await client.connect(transport);
    const missing = await client.callTool({ name: 'no-such-tool', arguments: {} }).then(
      (r) => ({ result: r }),
      (e: { code?: number }) => ({ code: e.code }),
    );
    const seen = {
      server: client.getServerVersion()?.name,
      tools: (await client.listTools()).tools.map((t) => t.name).sort(),
      echo: await client.callTool({ name: 'echo', arguments: { message: 'héllo\nwörld' } }),
      sum: await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 3 } }),
      missing,
      prompts: (await client.listPrompts()).prompts.map((p) => p.name).sort(),
      ping: await client.ping(),
      sampled: await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hi' } }),
      big: await client.callTool({ name: 'echo', arguments: { message: BIG } }, undefined, {
        timeout: 60_000,
      }),
    };
    await during?.(() => stderr);
    await client.close();
    return { seen, stderr: () => stderr };
  }

  it('passes every byte through unchanged both ways, 5 MB messages too, and counts the calls made', async () => {
    const direct = await session(node, [tee, path.join(dir, 'direct'), '--', node, everything, 'stdio']);
    const rx = await receiver();
    let metrics = '';
    const wrapped = await session(
      node,
      [
        tee,
        path.join(dir, 'outer'),
        '--',
        node,
        bin,
        'wrap',
        '--metrics-port',
        '0',
        '--report',
        `${rx.base}/hb/tok/report`,
        '--',
        node,
        tee,
        path.join(dir, 'inner'),
        '--',
        node,
        everything,
        'stdio',
      ],
      async (stderr) => {
        metrics = (await scrape(await metricsPort(stderr))).body;
      },
    );
    // What the client sees is the same with the wrapper as without it.
    expect(wrapped.seen).toEqual(direct.seen);
    expect((wrapped.seen.big.content as { text: string }[])[0]?.text).toBe(`Echo: ${BIG}`);
    expect(JSON.stringify(wrapped.seen.sampled)).toContain('sampled');

    // Byte for byte: the wrapper changed nothing, and wrote nothing of its own to stdout.
    const [outerIn, innerIn, outerOut, innerOut] = await Promise.all(
      ['outer.in', 'inner.in', 'outer.out', 'inner.out'].map((f) => readFile(path.join(dir, f))),
    );
    expect(outerIn?.length).toBeGreaterThan(5_000_000);
    expect(outerOut?.length).toBeGreaterThan(5_000_000);
    expect(outerIn?.equals(innerIn as Buffer)).toBe(true);
    expect(outerOut?.equals(innerOut as Buffer)).toBe(true);

    // The figures match the calls: echo twice, get-sum once, the unknown tool once as an error.
    const tool = (tool_name: string, status: string) =>
      sample(metrics, 'mcp_tool_calls_total', { tool_name, status });
    expect(tool('echo', 'success')).toBe(2);
    expect(tool('get-sum', 'success')).toBe(1);
    expect(tool('echo', 'error') + tool('get-sum', 'error')).toBe(0);
    expect(tool('no-such-tool', 'error')).toBe(1);
    expect(tool('trigger-sampling-request', 'success')).toBe(1);

    // The report on exit carries every request the client made (initialize included), by tool.
    await until(
      'the last report',
      () => rx.hits.length,
      (n) => n >= 1,
    );
    const reports = rx.hits.map((h) => h.body as WrapReport);
    expect(rx.hits.every((h) => h.path === '/hb/tok/report')).toBe(true);
    const requests = outerIn
      ?.toString()
      .split('\n')
      .filter((l) => l && 'method' in JSON.parse(l) && 'id' in JSON.parse(l)).length;
    expect(reports.reduce((n, r) => n + r.requests, 0)).toBe(requests);
    expect(reports.reduce((n, r) => n + r.errors, 0)).toBe(1);
    const echo = reports.flatMap((r) => r.tools).filter((t) => t.name === 'echo');
    expect(echo.reduce((n, t) => n + t.calls, 0)).toBe(2);
    expect(reports[0]).toMatchObject({ version: 1, server: 'node' });
    await rx.close();
  });
});

describe('mcpwatch wrap in front of server-filesystem (SDK v2 client)', () => {
  it('counts tool results with isError: true as errors, and serves /live', async () => {
    const root = path.join(dir, 'files');
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, 'a.txt'), 'alpha\n');
    const transport = new StdioV2({
      command: node,
      args: [bin, 'wrap', '--name', 'files', '--metrics-port', '0', '--', node, filesystem, root],
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (c) => (stderr += c));
    const client = new ClientV2({ name: 'wrap-test', version: '1.0.0' });
    await client.connect(transport);
    const ok = await client.callTool({
      name: 'read_text_file',
      arguments: { path: path.join(root, 'a.txt') },
    });
    const outside = await client.callTool({ name: 'read_text_file', arguments: { path: '/etc/hostname' } });
    const listed = await client.callTool({ name: 'list_directory', arguments: { path: root } });
    expect([ok.isError, outside.isError, listed.isError]).toEqual([undefined, true, undefined]);
    const port = await metricsPort(() => stderr);
    const live = await scrape(port, '/live');
    const { body } = await scrape(port);
    await client.close();
    expect(live.status).toBe(200);
    expect(sample(body, 'mcp_tool_calls_total', { tool_name: 'read_text_file', status: 'success' })).toBe(1);
    expect(sample(body, 'mcp_tool_calls_total', { tool_name: 'read_text_file', status: 'error' })).toBe(1);
    expect(sample(body, 'mcp_tool_calls_total', { tool_name: 'list_directory', status: 'success' })).toBe(1);
    expect(sample(body, 'mcp_errors_total', { type: 'tool_error' })).toBe(1);
  });
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Starts the wrapper as an IDE would, with pipes on all three streams. */
function start(args: string[]): {
  child: ChildProcess;
  ended: Promise<Ended>;
  stderr: () => string;
  answered: () => Promise<unknown>;
} {
  const child = spawn(node, [bin, 'wrap', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c) => (stderr += c));
  const ended = new Promise<Ended>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr }));
  });
  const answered = () =>
    until(
      'an answer on stdout',
      () => out.length,
      (n) => n > 0,
    );
  return { child, ended, stderr: () => stderr, answered };
}

const request = (id: number, method: string, params: unknown = {}) =>
  `${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`;

describe('mcpwatch wrap: how it ends', () => {
  it('relays the half line a crashing server wrote, ends with its exit code, and sends /fail', async () => {
    const rx = await receiver();
    const w = start([
      '--heartbeat',
      `${rx.base}/hb/tok`,
      '--report',
      `${rx.base}/hb/tok/report`,
      '--',
      node,
      lineServer,
    ]);
    w.child.stdin?.write(request(1, 'ping'));
    w.child.stdin?.write(request(2, 'crash'));
    const ended = await w.ended;
    expect(ended.code).toBe(3);
    expect(ended.stdout.toString()).toBe('{"jsonrpc":"2.0","id":1,"result":{}}\n{"jsonrpc":"2.0","id":');
    const pings = rx.hits.filter((h) => !h.path.endsWith('/report')).map((h) => h.path);
    expect(pings).toEqual(['/hb/tok/start', '/hb/tok/fail', '/hb/tok/stop']);
    // The call the crash left unanswered failed for the client, and counts so.
    const report = rx.hits.find((h) => h.path.endsWith('/report'))?.body as WrapReport;
    expect(report).toMatchObject({ requests: 2, errors: 1 });
    await rx.close();
  });

  it('ends the server when the client closes first, sends /stop, and exits 0', async () => {
    const rx = await receiver();
    const w = start(['--heartbeat', `${rx.base}/hb/tok`, '--', node, lineServer]);
    w.child.stdin?.write(request(1, 'ping'));
    await w.answered();
    w.child.stdin?.end();
    const ended = await w.ended;
    expect(ended).toMatchObject({ code: 0, signal: null });
    expect(rx.hits.map((h) => h.path)).toEqual(['/hb/tok/start', '/hb/tok/stop']);
    await rx.close();
  });

  it('ends the server when the client stops reading its stdout, and exits 0', async () => {
    const w = start(['--', node, lineServer]);
    w.child.stdin?.write(request(1, 'ping'));
    await w.answered();
    w.child.stdout?.destroy();
    w.child.stdin?.write(request(2, 'ping'));
    const ended = await w.ended;
    expect(ended).toMatchObject({ code: 0, signal: null });
    expect(ended.stderr).toBe('');
  });

  it("passes the server's stderr through untouched and adds nothing to it when all is well", async () => {
    const w = start(['--', node, lineServer]);
    w.child.stdin?.end(`${request(1, 'stderr', { text: 'server says hi\n' })}`);
    const ended = await w.ended;
    expect(ended.code).toBe(0);
    expect(ended.stderr).toBe('server says hi\n');
    expect(ended.stdout.toString()).toBe('{"jsonrpc":"2.0","id":1,"result":{}}\n');
  });

  it('forwards SIGTERM to the server and exits as it does', async () => {
    const trapped = start(['--', node, lineServer, '--trap-term']);
    trapped.child.stdin?.write(request(1, 'ping'));
    await trapped.answered();
    trapped.child.kill('SIGTERM');
    const a = await trapped.ended;
    expect(a.code).toBe(0);
    expect(a.stdout.toString()).toContain('"data":"SIGTERM"');

    const plain = start(['--', node, lineServer]);
    plain.child.stdin?.write(request(1, 'ping'));
    await plain.answered();
    plain.child.kill('SIGTERM');
    const b = await plain.ended;
    expect(b).toMatchObject({ code: null, signal: 'SIGTERM' });
  });

  it('does the same through the CLI-less entry dist/wrap/main.js', async () => {
    const lean = here('../../dist/wrap/main.js');
    const child = spawn(node, [lean, '--name', 'x', '--', node, lineServer], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stdin.end(`${request(1, 'ping')}${request(2, 'exit', { code: 5 })}`);
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(5);
    expect(Buffer.concat(out).toString()).toBe('{"jsonrpc":"2.0","id":1,"result":{}}\n');
    const usage = spawn(node, [lean, '--metrics-port', 'x'], { stdio: 'ignore' });
    expect(await new Promise((resolve) => usage.on('close', resolve))).toBe(3);
  });

  it('mirrors any exit code', async () => {
    const w = start(['--', node, lineServer]);
    w.child.stdin?.write(request(1, 'exit', { code: 42 }));
    expect((await w.ended).code).toBe(42);
  });

  it('says clearly that a command does not exist, and exits 127 with nothing on stdout', async () => {
    const ended = await start(['--', 'mcpwatch-no-such-command']).ended;
    expect(ended.code).toBe(127);
    expect(ended.stdout.length).toBe(0);
    expect(ended.stderr).toBe(
      "mcpwatch wrap: cannot start mcpwatch-no-such-command: command not found (ENOENT); check the command and PATH in the client's config\n",
    );
  });

  it('exits 126 for a command that is not executable', async () => {
    const ended = await start(['--', lineServer]).ended;
    expect(ended.code).toBe(126);
    expect(ended.stderr).toBe(
      `mcpwatch wrap: cannot start ${lineServer}: EACCES; check that it is an executable file\n`,
    );
  });

  it('refuses a report URL that is not http(s) before starting anything', async () => {
    const ended = await start(['--report', 'ftp://x/hb/t/report', '--', node, lineServer]).ended;
    expect(ended.code).toBe(3);
    expect(ended.stderr).toContain('--report takes an http(s) URL');
  });
});

describe('runWrapper', () => {
  it('sends SIGTERM, then SIGKILL, to a server that outlives its closed input', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const warnings: string[] = [];
    const ending = runWrapper(
      // The shell ignores SIGTERM and keeps its stdin's EOF from ending it.
      { command: 'sh', args: ['-c', 'trap "" TERM; while :; do sleep 0.05; done'], closeGraceMs: 100 },
      { stdin, stdout, stderr: 'ignore', warn: (m) => warnings.push(m), onSignal: () => {} },
    );
    stdin.end();
    expect(await ending).toEqual({ signal: 'SIGKILL' });
    expect(warnings).toEqual([
      'the server did not exit 0.1 s after its input closed: sending SIGTERM',
      'the server ignored SIGTERM: sending SIGKILL',
    ]);
  });
});
