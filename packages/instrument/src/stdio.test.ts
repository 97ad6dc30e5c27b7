/**
 * An instrumented stdio server as a real child process, driven by both official clients: logs go to
 * stderr (stdout carries only the protocol, or the clients would fail), /metrics counts the calls,
 * heartbeats reach a loopback receiver with /start first and /stop on a clean shutdown, by SIGTERM or by
 * the client closing stdin.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Stream } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as V1StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sample } from './test-fixtures/servers.js';
import { until } from './test-fixtures/until.js';

const fixture = fileURLToPath(new URL('./test-fixtures/stdio-server.mjs', import.meta.url));
const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));

beforeAll(() => {
  if (!existsSync(built))
    throw new Error('the stdio fixture runs the built package: run `npm run build` first');
});

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

async function receiver(): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(200).end('OK\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hb/tok`, paths };
}

function collect(stream: Stream | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return () => text;
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

async function healthPort(stderr: () => string): Promise<number> {
  const m = await until(
    () => /health on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr()),
    'the fixture to serve /health',
  );
  return Number((m as RegExpExecArray)[1]);
}

describe('an instrumented stdio server', () => {
  it('v2: JSON logs on stderr, metrics, /start then pings, and /stop when the client closes stdin', async () => {
    const hb = await receiver();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [fixture],
      env: { ...(process.env as Record<string, string>), HB_URL: hb.url, LOG_LEVEL: 'info' },
      stderr: 'pipe',
    });
    const stderr = collect(transport.stderr);
    const client = new Client({ name: 'v2-client', version: '1.0.0' });
    await client.connect(transport);
    cleanup.push(() => client.close());

    await client.callTool({ name: 'echo', arguments: { text: 'one' } });
    await client.callTool({ name: 'echo', arguments: { text: 'two' } });
    expect((await client.callTool({ name: 'fail', arguments: {} })).isError).toBe(true);

    const port = await healthPort(stderr);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(sample(metrics, 'mcp_tool_calls_total', { tool_name: 'echo', status: 'success' })).toBe(2);
    expect(sample(metrics, 'mcp_tool_calls_total', { tool_name: 'fail', status: 'error' })).toBe(1);
    expect(sample(metrics, 'mcp_active_sessions')).toBe(1);
    expect(sample(metrics, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    const healthBody = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    expect(healthBody).toMatchObject({ status: 'ok', name: 'stdio-v2', version: '3.1.4', sessions: 1 });

    await until(() => hb.paths.length >= 2, 'a success ping after /start');
    expect(hb.paths[0]).toBe('/hb/tok/start');
    expect(hb.paths[1]).toBe('/hb/tok');

    await client.close();
    await until(() => hb.paths.includes('/hb/tok/stop'), 'the /stop ping');
    expect(hb.paths.filter((p) => p === '/hb/tok/start')).toHaveLength(1);
    expect(hb.paths.at(-1)).toBe('/hb/tok/stop');

    const lines = jsonLines(stderr());
    const calls = lines.filter((l) => l.tool !== undefined);
    expect(calls.map((l) => [l.level, l.tool, l.status])).toEqual([
      ['INFO', 'echo', 'success'],
      ['INFO', 'echo', 'success'],
      ['WARN', 'fail', 'error'],
    ]);
    expect(calls[0]).toMatchObject({ server: 'stdio-v2', version: '3.1.4', message: 'tool call completed' });
    expect(lines.find((l) => l.message === 'shut down')).toMatchObject({
      reason: 'stdin closed',
      exit_code: 0,
    });
  });

  it('v1: SIGTERM drains, says /stop and exits cleanly', async () => {
    const hb = await receiver();
    const transport = new V1StdioClientTransport({
      command: process.execPath,
      args: [fixture, '--v1'],
      env: { ...(process.env as Record<string, string>), HB_URL: hb.url, LOG_LEVEL: 'info' },
      stderr: 'pipe',
    });
    const stderr = collect(transport.stderr);
    const client = new V1Client({ name: 'v1-client', version: '1.0.0' });
    await client.connect(transport);
    cleanup.push(() => client.close());
    await client.callTool({ name: 'echo', arguments: { text: 'v1' } });
    expect((await client.callTool({ name: 'fail', arguments: {} })).isError).toBe(true);

    const port = await healthPort(stderr);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(sample(metrics, 'mcp_tool_calls_total', { tool_name: 'echo', status: 'success' })).toBe(1);
    expect(sample(metrics, 'mcp_tool_calls_total', { tool_name: 'fail', status: 'error' })).toBe(1);
    expect(sample(metrics, 'mcp_errors_total', { type: 'tool_error' })).toBe(1);

    process.kill(transport.pid as number, 'SIGTERM');
    await until(() => hb.paths.includes('/hb/tok/stop'), 'the /stop ping');
    await until(() => /"message":"shut down"/.test(stderr()), 'the shutdown line');
    const done = jsonLines(stderr()).find((l) => l.message === 'shut down');
    expect(done).toMatchObject({ reason: 'SIGTERM', exit_code: 0, server: 'stdio-v1' });
    expect(hb.paths[0]).toBe('/hb/tok/start');
    expect(jsonLines(stderr()).find((l) => l.message === 'session closed')).toBeDefined();
  });
});
