import { execFile } from 'node:child_process';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as V1StdioTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test-fixtures/free-port.js';
import { until } from '../test-fixtures/until.js';
import { READ_TOOLS } from './read-tools.js';
import { assertBuilt, bin, startWatchedService, type WatchedService } from './test-fixtures/stdio-service.js';
import { WRITE_TOOLS } from './write-tools.js';

/**
 * `mcpwatch mcp` as an AI client runs it: a child process started by the official clients' stdio transports
 * (v2 in both eras, v1), talking to a real `mcpwatch serve` through its REST API, or to its store directly.
 */
let service: WatchedService;

type Era = 'modern' | 'legacy' | 'v1';
interface AnyClient {
  listTools(): Promise<{ tools: { name: string }[] }>;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads the structured content it expects.
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<any>;
  close(): Promise<void>;
}

/** The runner's own mcpwatch settings must not reach the child: only the flags a test passes count. */
function childEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[1] !== undefined && !e[0].startsWith('MCPWATCH_'),
    ),
  );
}

async function connect(era: Era, args: string[]): Promise<AnyClient> {
  const params = {
    command: process.execPath,
    args: [bin, 'mcp', ...args],
    env: childEnv(),
    stderr: 'pipe' as const,
  };
  if (era === 'v1') {
    const client = new V1Client({ name: 'v1-stdio-test', version: '1.0.0' });
    await client.connect(new V1StdioTransport(params));
    return client as unknown as AnyClient;
  }
  const client = new Client(
    { name: `v2-${era}`, version: '1.0.0' },
    era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await client.connect(new StdioClientTransport(params));
  return client as unknown as AnyClient;
}

async function withClient<T>(era: Era, args: string[], work: (c: AnyClient) => Promise<T>): Promise<T> {
  const client = await connect(era, args);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

const names = (tools: { name: string }[]) => tools.map((t) => t.name).sort();

beforeAll(async () => {
  assertBuilt();
  service = await startWatchedService();
}, 60_000);

afterAll(async () => {
  await service?.close();
});

describe('mcpwatch mcp --url --token', () => {
  const rest = (token: string) => ['--url', service.url, '--token', token];

  for (const era of ['modern', 'legacy', 'v1'] as const) {
    it(`serves every tool to a write token and answers what is down (${era} client)`, async () => {
      await withClient(era, rest(service.tokens.write), async (client) => {
        expect(names((await client.listTools()).tools)).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
        const down = await client.callTool({ name: 'list_monitors', arguments: { status: 'down' } });
        expect(down.isError).toBeFalsy();
        expect(down.structuredContent.monitors.map((m: { name: string }) => m.name)).toEqual(['broken']);
        const detail = await client.callTool({ name: 'get_monitor', arguments: { name: 'example' } });
        expect(detail.structuredContent.monitor.status).toBe('up');
        const typo = await client.callTool({ name: 'get_monitor', arguments: { name: 'exampel' } });
        expect(typo.isError).toBe(true);
        expect(typo.content[0].text).toContain('"example"');
      });
    });
  }

  it('lets a write token pause, resume, check, acknowledge and notify', async () => {
    await withClient('legacy', rest(service.tokens.write), async (client) => {
      const paused = await client.callTool({
        name: 'pause_monitor',
        arguments: { name: 'example', durationMinutes: 30, reason: 'deploy' },
      });
      expect(paused.isError).toBeFalsy();
      expect(paused.structuredContent.window.name).toContain('example');
      const resumed = await client.callTool({ name: 'resume_monitor', arguments: { name: 'example' } });
      expect(resumed.structuredContent.ended).toHaveLength(1);
      const checked = await client.callTool({ name: 'check_now', arguments: { name: 'example' } });
      expect(checked.structuredContent.result.status).toBe('up');
      const acked = await client.callTool({
        name: 'acknowledge_incident',
        arguments: { id: service.incidentId },
      });
      expect(acked.structuredContent.incident.acknowledgedBy).toBe('admin');
      const sent = await client.callTool({
        name: 'send_notification',
        arguments: {
          monitor: 'example',
          title: 'Deploy at 5',
          message: 'example restarts at 17:00',
          channel: 'hook',
        },
      });
      expect(sent.structuredContent.channels).toEqual(['hook']);
      await until(
        'the notice at the webhook',
        () => service.receiver.received.map((r) => r.body).join('\n'),
        (bodies) => bodies.includes('Deploy at 5'),
      );
    });
  });

  it('shows a read token the read tools only, and the service refuses its changes', async () => {
    await withClient('modern', rest(service.tokens.read), async (client) => {
      expect(names((await client.listTools()).tools)).toEqual([...READ_TOOLS].sort());
      // Not listed, so not callable: the SDK refuses an unknown tool as a protocol error.
      await expect(
        client.callTool({ name: 'pause_monitor', arguments: { name: 'example', durationMinutes: 5 } }),
      ).rejects.toThrow(/pause_monitor/);
      await expect(
        client.callTool({
          name: 'send_notification',
          arguments: { monitor: 'example', title: 't', message: 'm' },
        }),
      ).rejects.toThrow(/send_notification/);
      const incidents = await client.callTool({ name: 'list_incidents', arguments: { open: true } });
      expect(incidents.structuredContent.incidents[0].monitor).toBe('broken');
    });
    // Behind the tools, the service refuses the token's changes too: a client that skips the list gains nothing.
    const headers = { authorization: `Bearer ${service.tokens.read}`, 'content-type': 'application/json' };
    const monitors = await (await fetch(`${service.url}/api/v1/monitors`, { headers })).json();
    const id = monitors.monitors.find((m: { name: string }) => m.name === 'example').id;
    for (const [path, body] of [
      [`/api/v1/monitors/${id}/pause`, { durationMinutes: 5 }],
      ['/api/v1/notifications', { monitor: 'example', title: 't', message: 'm' }],
    ] as const) {
      const answer = await fetch(`${service.url}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      expect(answer.status).toBe(403);
    }
  });

  it('will not start with a wrong token or without a service, and says what to do', async () => {
    const started = (args: string[]) =>
      withClient('legacy', args, async () => 'connected').catch((error: Error) => error.message);
    // The child's stderr is where an AI client shows why a server failed; the exit alone must end the connect.
    expect(await started(rest('mcpw_not-a-token'))).not.toBe('connected');
    const port = await freePort();
    expect(await started(['--url', `http://127.0.0.1:${port}`, '--token', service.tokens.write])).not.toBe(
      'connected',
    );
  });
});

describe("mcpwatch's own probe", () => {
  it('reports `mcpwatch mcp` up, with its tool list', async () => {
    // The token travels in the environment, as the README's snippets pass it: a command line is shown in results.
    const env = { ...childEnv(), TOKEN_FOR_TEST: service.tokens.read };
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          bin,
          'probe',
          '--json',
          '--env',
          `MCPWATCH_URL=${service.url}`,
          '--env',
          // The probe resolves ${NAME} from its own environment.
          'MCPWATCH_TOKEN=${TOKEN_FOR_TEST}',
          '--',
          process.execPath,
          bin,
          'mcp',
        ],
        { env, timeout: 60_000 },
        (error, out) => (error && !out ? reject(error) : resolve(out)),
      );
    });
    const result = JSON.parse(stdout);
    expect(result.status, result.message).toBe('up');
    expect(result.mcp.serverInfo.name).toBe('mcpwatch');
    expect(result.mcp.tools.map((t: { name: string }) => t.name).sort()).toEqual([...READ_TOOLS].sort());
    expect(result.target).not.toContain(service.tokens.read);
  });
});

describe('mcpwatch mcp --database', () => {
  const local = () => ['--database', `sqlite:${service.database}`];

  it('answers the read tools from the store beside the running service', async () => {
    await withClient('modern', local(), async (client) => {
      expect(names((await client.listTools()).tools)).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
      const down = await client.callTool({ name: 'list_monitors', arguments: { status: 'down' } });
      expect(down.structuredContent.monitors.map((m: { name: string }) => m.name)).toEqual(['broken']);
      const incident = await client.callTool({ name: 'get_incident', arguments: { id: service.incidentId } });
      expect(incident.structuredContent.incident.monitor).toBe('broken');
      const detail = await client.callTool({ name: 'get_monitor', arguments: { name: 'example' } });
      expect(detail.structuredContent.tools.list.map((t: { name: string }) => t.name)).toContain('echo');
    });
  });

  it('probes a monitor here, writes notices to the outbox, and sends to the service what needs it', async () => {
    await withClient('v1', local(), async (client) => {
      const probed = await client.callTool({ name: 'probe', arguments: { monitor: 'example' } });
      expect(probed.structuredContent.result.status).toBe('up');
      const pause = await client.callTool({
        name: 'pause_monitor',
        arguments: { name: 'example', durationMinutes: 5 },
      });
      expect(pause.isError).toBe(true);
      expect(pause.content[0].text).toContain('mcpwatch serve');
      const sent = await client.callTool({
        name: 'send_notification',
        arguments: {
          monitor: 'example',
          title: 'From the store',
          message: 'written by mcpwatch mcp --database',
        },
      });
      expect(sent.isError).toBeFalsy();
      expect(sent.structuredContent.channels).toEqual(['hook']);
      // The running service's dispatcher delivers the row this process wrote.
      await until(
        'the stored notice at the webhook',
        () => service.receiver.received.map((r) => r.body).join('\n'),
        (bodies) => bodies.includes('From the store'),
        30_000,
      );
    });
  });

  it('serves the read tools only with --read-only', async () => {
    await withClient('legacy', [...local(), '--read-only'], async (client) => {
      expect(names((await client.listTools()).tools)).toEqual([...READ_TOOLS].sort());
    });
  });
});
