import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  everythingStdio,
  filesystemStdio,
  type Running,
  startEverything,
  startV1Sse,
  startV1Streamable,
  startV2,
} from '../test-fixtures/sdk-servers.js';
import { probeMcp } from './mcp.js';

/** The probe against the official SDKs and reference servers, every transport and both eras. */
describe('v2 SDK server serving both eras', () => {
  let server: Running;
  beforeAll(async () => {
    server = await startV2();
  });
  afterAll(() => server.close());

  it('detects the modern era and sends only discover and tools/list', async () => {
    server.requests.length = 0;
    const r = await probeMcp(server.url);
    expect(r).toMatchObject({
      status: 'up',
      mcp: { transport: 'streamable-http', era: 'modern', protocolVersion: '2026-07-28' },
    });
    expect(r.mcp?.serverInfo).toEqual({ name: 'v2-server', version: '2.0.0' });
    expect(r.mcp?.tools?.map((t) => t.name).sort()).toEqual(['add', 'echo', 'fail']);
    expect(r.mcp?.supportedVersions).toContain('2026-07-28');
    expect(server.requests).toEqual(['POST server/discover', 'POST tools/list']);
    expect(r.timings.handshake).toBeGreaterThan(0);
    expect(r.timings.tools).toBeGreaterThan(0);
  });

  it('speaks the legacy era when forced, with the same tool list hash', async () => {
    const modern = await probeMcp(server.url);
    server.requests.length = 0;
    const legacy = await probeMcp(server.url, { era: 'legacy' });
    expect(legacy).toMatchObject({ status: 'up', mcp: { era: 'legacy', protocolVersion: '2025-11-25' } });
    expect(server.requests).toEqual([
      'POST initialize',
      'POST notifications/initialized',
      'POST tools/list',
      'POST ping',
    ]);
    expect(legacy.mcp?.toolsHash).toBe(modern.mcp?.toolsHash);
    expect(legacy.mcp?.toolsHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('asks a legacy server for an older revision when told to', async () => {
    const r = await probeMcp(server.url, { era: 'legacy', protocolVersion: '2025-03-26' });
    expect(r.mcp?.protocolVersion).toBe('2025-03-26');
  });

  it('calls a tool and checks structuredContent against its outputSchema and a JSON path', async () => {
    for (const era of ['modern', 'legacy'] as const) {
      const r = await probeMcp(server.url, {
        era,
        call: { tool: 'add', arguments: { a: 2, b: 3 }, jsonPath: '$.sum', equals: 5 },
      });
      expect(r.status).toBe('up');
      expect(r.mcp?.toolCall).toMatchObject({ name: 'add', isError: false, structuredContent: { sum: 5 } });
      expect(r.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['json_path', 'output_schema']));
    }
  });

  it('sends Mcp-Method and Mcp-Name headers on a modern tools/call', async () => {
    const r = await probeMcp(server.url, {
      call: { tool: 'echo', arguments: { text: 'hi there' }, textMatches: '^hi' },
    });
    expect(r.status).toBe('up');
    expect(r.timings.call).toBeGreaterThan(0);
  });

  it('names each failed check', async () => {
    const fail = await probeMcp(server.url, { call: { tool: 'fail' } });
    expect(fail).toMatchObject({ status: 'down', reason: 'tool_error', phase: 'call' });
    expect(fail.message).toContain('database unreachable');

    const wrongText = await probeMcp(server.url, {
      call: { tool: 'echo', arguments: { text: 'a' }, textContains: 'b' },
    });
    expect(wrongText).toMatchObject({ status: 'down', reason: 'assertion_failed' });

    const wrongPath = await probeMcp(server.url, {
      call: { tool: 'add', arguments: { a: 1, b: 1 }, jsonPath: '$.sum', equals: 3 },
    });
    expect(wrongPath).toMatchObject({ status: 'down', reason: 'assertion_failed' });

    const missing = await probeMcp(server.url, { expectTools: ['echo', 'search'] });
    expect(missing).toMatchObject({ status: 'down', reason: 'tool_missing', phase: 'tools' });
    expect(missing.message).toContain('search');
    expect(missing.mcp?.tools).toHaveLength(3);

    const noSuchTool = await probeMcp(server.url, { call: { tool: 'nope' } });
    expect(noSuchTool).toMatchObject({ status: 'down', reason: 'tool_missing', phase: 'call' });
  });

  it('reports invalid arguments as the tool error the server returns', async () => {
    const r = await probeMcp(server.url, { call: { tool: 'add', arguments: { a: 'x' } } });
    expect(r.status).toBe('down');
    expect(['tool_error', 'jsonrpc_error']).toContain(r.reason);
  });
});

describe('v2 SDK server, modern only', () => {
  let server: Running;
  beforeAll(async () => {
    server = await startV2({ legacy: 'reject' });
  });
  afterAll(() => server.close());

  it('is probed in the modern era', async () => {
    const r = await probeMcp(server.url);
    expect(r).toMatchObject({ status: 'up', mcp: { era: 'modern' } });
  });

  it('refuses a forced legacy handshake with a named reason', async () => {
    const r = await probeMcp(server.url, { era: 'legacy' });
    expect(r.status).toBe('down');
    expect(r.reason).toBe('protocol_unsupported');
    expect(r.message).toContain('2026-07-28');
    expect(r.phase).toBe('handshake');
  });
});

describe('v1 SDK Streamable HTTP servers', () => {
  let stateful: Running;
  let stateless: Running;
  beforeAll(async () => {
    stateful = await startV1Streamable({ stateful: true });
    stateless = await startV1Streamable({ stateful: false });
  });
  afterAll(async () => {
    await stateful.close();
    await stateless.close();
  });

  it('falls back to initialize, keeps the session and ends it with DELETE, opening no GET stream', async () => {
    stateful.requests.length = 0;
    const r = await probeMcp(stateful.url);
    expect(r).toMatchObject({
      status: 'up',
      mcp: { era: 'legacy', protocolVersion: '2025-11-25', sessionId: true },
    });
    expect(r.mcp?.serverInfo?.name).toBe('v1-stateful');
    expect(stateful.requests).toEqual([
      'POST server/discover',
      'POST initialize',
      'POST notifications/initialized',
      'POST tools/list',
      'POST ping',
      'DELETE',
    ]);
  });

  it('probes a stateless server in the legacy era', async () => {
    const r = await probeMcp(stateless.url, {
      call: { tool: 'add', arguments: { a: 1, b: 2 }, jsonPath: '$.sum', equals: 3 },
    });
    expect(r).toMatchObject({ status: 'up', mcp: { era: 'legacy', sessionId: false } });
  });

  it('says a forced modern era is not spoken', async () => {
    const r = await probeMcp(stateful.url, { era: 'modern' });
    expect(r).toMatchObject({ status: 'down', reason: 'protocol_unsupported', phase: 'handshake' });
  });
});

describe('v1 SDK HTTP+SSE server', () => {
  let server: Running;
  beforeAll(async () => {
    server = await startV1Sse();
  });
  afterAll(() => server.close());

  it('is detected from its URL by the 2024-11-05 fallback', async () => {
    const r = await probeMcp(server.url, {
      call: { tool: 'echo', arguments: { text: 'sse' }, textContains: 'sse' },
    });
    expect(r).toMatchObject({ status: 'up', mcp: { transport: 'sse', era: 'legacy' } });
    expect(r.mcp?.serverInfo?.name).toBe('v1-sse');
  });

  it('goes straight to the stream when the transport is forced', async () => {
    server.requests.length = 0;
    const r = await probeMcp(server.url, { transport: 'sse' });
    expect(r).toMatchObject({ status: 'up', mcp: { transport: 'sse' } });
    expect(server.requests[0]).toBe('GET');
    expect(server.requests).not.toContain('POST server/discover');
  });
});

describe('reference servers', () => {
  it('server-everything over stdio', async () => {
    const r = await probeMcp(everythingStdio(), {
      call: { tool: 'echo', arguments: { message: 'hello' }, textContains: 'hello' },
    });
    expect(r).toMatchObject({ status: 'up', mcp: { transport: 'stdio', era: 'legacy' } });
    expect(r.mcp?.tools?.length).toBeGreaterThan(5);
    expect(r.timings.spawn).toBeGreaterThan(0);
    expect(r.mcp?.exitCode === 0 || r.mcp?.signal === 'SIGTERM' || r.mcp?.exitCode === null).toBe(true);
  });

  for (const mode of ['streamableHttp', 'sse'] as const) {
    it(`server-everything over ${mode}`, async () => {
      const server = await startEverything(mode);
      try {
        const r = await probeMcp(server.url, { listResources: true, listPrompts: true });
        expect(r).toMatchObject({
          status: 'up',
          mcp: { transport: mode === 'sse' ? 'sse' : 'streamable-http', era: 'legacy' },
        });
        expect(r.mcp?.resources).toBeGreaterThan(0);
        expect(r.mcp?.prompts).toBeGreaterThan(0);
      } finally {
        await server.close();
      }
    });
  }

  it('server-filesystem over stdio, reading a file through a tool', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mcpwatch-fs-'));
    try {
      await writeFile(join(root, 'hello.txt'), 'filesystem works');
      const r = await probeMcp(filesystemStdio(root), {
        expectTools: ['read_text_file', 'list_directory'],
        call: {
          tool: 'read_text_file',
          arguments: { path: join(root, 'hello.txt') },
          textContains: 'filesystem works',
        },
      });
      expect(r).toMatchObject({ status: 'up', mcp: { transport: 'stdio' } });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('v2 SDK server over stdio', () => {
  const v2Stdio = (...flags: string[]) => ({
    command: process.execPath,
    args: [new URL('../test-fixtures/v2-stdio-server.mjs', import.meta.url).pathname, ...flags],
  });

  it('detects the modern era with server/discover and keeps stderr as logs', async () => {
    const r = await probeMcp(v2Stdio(), {
      call: { tool: 'echo', arguments: { text: 'x' }, textContains: 'x' },
    });
    expect(r).toMatchObject({
      status: 'up',
      mcp: { transport: 'stdio', era: 'modern', protocolVersion: '2026-07-28' },
    });
    expect(r.mcp?.stderr).toContain('v2 stdio server starting');
    expect(r.timings.ping).toBeUndefined();
  });

  it('speaks the legacy era when forced', async () => {
    const r = await probeMcp(v2Stdio(), { era: 'legacy' });
    expect(r).toMatchObject({ status: 'up', mcp: { era: 'legacy', protocolVersion: '2025-11-25' } });
    expect(r.timings.ping).toBeGreaterThan(0);
  });

  it('names a modern-only server that refuses the legacy handshake', async () => {
    const r = await probeMcp(v2Stdio('--modern-only'), { era: 'legacy' });
    expect(r).toMatchObject({ status: 'down', reason: 'protocol_unsupported', phase: 'handshake' });
  });
});

describe('option conflicts', () => {
  it('are refused before anything is sent', async () => {
    await expect(probeMcp('http://127.0.0.1:1/mcp', { transport: 'stdio' })).rejects.toThrow(
      /needs a command/,
    );
    await expect(probeMcp({ command: 'true' }, { transport: 'sse' })).rejects.toThrow(/needs a URL/);
    await expect(probeMcp('http://127.0.0.1:1/sse', { transport: 'sse', era: 'modern' })).rejects.toThrow(
      /predates the modern era/,
    );
    await expect(probeMcp('ftp://host/mcp')).rejects.toThrow(/not an http\(s\) URL/);
  });
});
