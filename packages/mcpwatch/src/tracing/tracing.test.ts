import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PHASES } from '@mcpwatch/probe';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Running, startV2 } from '../../../probe/src/test-fixtures/sdk-servers.js';
import { main } from '../cli.js';
import { ConfigWatcher } from '../config/watch-config.js';
import { runnerFor } from '../service/runners.js';
import { Service } from '../service/service.js';
import { openStore } from '../store/index.js';
import { freePort } from '../test-fixtures/free-port.js';
import { until } from '../test-fixtures/until.js';
import { startTracing, type Tracing } from './index.js';
import {
  KIND,
  type ReceivedSpan,
  type Receiver,
  STATUS,
  startReceiver,
} from './test-fixtures/otlp-receiver.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
const WELL_BEHAVED = fileURLToPath(
  new URL('../../../probe/src/test-fixtures/stdio/well-behaved.mjs', import.meta.url),
);

let dir: string;
let receiver: Receiver | undefined;
let mcp: Running | undefined;
let service: Service | undefined;
let tracing: Tracing | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-tracing-'));
  // Spans leave a tenth of a second after a check rather than five seconds.
  vi.stubEnv('OTEL_BSP_SCHEDULE_DELAY', '100');
});

afterEach(async () => {
  await service?.stop(1000);
  service = undefined;
  await tracing?.shutdown(1000);
  tracing = undefined;
  await mcp?.close();
  mcp = undefined;
  await receiver?.close();
  receiver = undefined;
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `mcpwatch serve` in this process until `done` holds, then stops it as Ctrl-C would. */
async function serveUntil(yaml: string, done: () => boolean): Promise<number> {
  const config = path.join(dir, 'mcpwatch.yaml');
  writeFileSync(config, yaml);
  const controller = new AbortController();
  const stderr: string[] = [];
  const running = main(['serve', '--port', '0', '--data', dir, '--config', config, '--log-level', 'warn'], {
    stdout: { write: () => true },
    stderr: { write: (text: string) => stderr.push(text) },
    env: process.env,
    home: dir,
    signal: controller.signal,
  });
  await until('the spans', () => done(), Boolean);
  controller.abort(new Error('test over'));
  return running;
}

function roots(spans: ReceivedSpan[]): ReceivedSpan[] {
  return spans.filter((s) => s.parentSpanId === '');
}

function childrenOf(spans: ReceivedSpan[], root: ReceivedSpan): ReceivedSpan[] {
  return spans.filter((s) => s.parentSpanId === root.spanId).sort((a, b) => Number(a.startNs - b.startNs));
}

/** The phases sit end to end from the check's start, inside it, each the length the probe measured. */
function expectLaidEndToEnd(root: ReceivedSpan, children: ReceivedSpan[]): void {
  let at = root.startNs;
  for (const child of children) {
    expect(child.traceId).toBe(root.traceId);
    expect(child.kind).toBe(KIND.internal);
    expect(PHASES).toContain(child.name);
    expect(child.attributes['mcpwatch.phase']).toBe(child.name);
    expect(child.startNs).toBe(at);
    expect(child.endNs).toBeGreaterThanOrEqual(child.startNs);
    at = child.endNs;
  }
  expect(at).toBeLessThanOrEqual(root.endNs);
}

describe('traces of checks', () => {
  it('sends one CLIENT span per check, with its phases, over OTLP/HTTP protobuf from mcpwatch serve', async () => {
    receiver = await startReceiver();
    mcp = await startV2();
    const closed = await freePort();
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.url);
    vi.stubEnv('OTEL_EXPORTER_OTLP_HEADERS', 'x-api-key=s3cret,x-tenant=ops');
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'deployment.environment.name=test');
    const yaml = `monitors:
  - kind: mcp
    name: echo-server
    target: ${mcp.url}
    intervalSec: 1
    call: { tool: echo, arguments: { text: hi } }
  - kind: mcp
    name: gone
    target: http://user:secret@127.0.0.1:${closed}/mcp?token=abc
    intervalSec: 1
`;
    const seen = (name: string) => roots(receiver?.spans() ?? []).some((s) => s.name === name);
    const code = await serveUntil(yaml, () => seen('tools/call echo') && seen('tools/list'));
    expect(code).toBe(0);

    const first = receiver.requests[0];
    expect(first?.method).toBe('POST');
    expect(first?.path).toBe('/v1/traces');
    expect(first?.headers['content-type']).toBe('application/x-protobuf');
    expect(first?.headers['x-api-key']).toBe('s3cret');
    expect(first?.headers['x-tenant']).toBe('ops');

    const spans = receiver.spans();
    const up = roots(spans).find((s) => s.name === 'tools/call echo') as ReceivedSpan;
    expect(up.resource).toMatchObject({
      'service.name': 'mcpwatch',
      'service.version': version,
      'deployment.environment.name': 'test',
    });
    expect(up.scope).toBe('mcpwatch');
    expect(up.kind).toBe(KIND.client);
    expect(up.status.code).toBe(STATUS.unset);
    const url = new URL(mcp.url);
    expect(up.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'gen_ai.operation.name': 'execute_tool',
      'mcpwatch.monitor.name': 'echo-server',
      'mcpwatch.monitor.kind': 'mcp',
      'mcpwatch.check.status': 'up',
      'mcpwatch.mcp.transport': 'streamable-http',
      'mcpwatch.tools.count': 3,
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'server.address': '127.0.0.1',
      'server.port': Number(url.port),
      'url.full': mcp.url,
    });
    expect(up.attributes['mcp.protocol.version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(up.attributes['mcpwatch.tools.hash']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(up.attributes['error.type']).toBeUndefined();
    const phases = childrenOf(spans, up);
    expect(phases.map((p) => p.name)).toEqual(
      expect.arrayContaining(['connect', 'handshake', 'tools', 'call']),
    );
    expectLaidEndToEnd(up, phases);
    const call = phases.find((p) => p.name === 'call');
    expect(call?.attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'echo' });
    expect(phases.find((p) => p.name === 'tools')?.attributes['mcp.method.name']).toBe('tools/list');

    const down = roots(spans).find((s) => s.name === 'tools/list') as ReceivedSpan;
    expect(down.kind).toBe(KIND.client);
    expect(down.status.code).toBe(STATUS.error);
    expect(down.status.message).toMatch(/refused/i);
    expect(down.attributes).toMatchObject({
      'mcp.method.name': 'tools/list',
      'error.type': 'connect_refused',
      'mcpwatch.check.reason': 'connect_refused',
      'mcpwatch.check.status': 'down',
      'server.port': closed,
      'url.full': `http://127.0.0.1:${closed}/mcp`,
    });
    // Neither the password nor the query's token leaves mcpwatch.
    expect(JSON.stringify(down.attributes)).not.toMatch(/secret|token|abc/);
    const failed = childrenOf(spans, down);
    expectLaidEndToEnd(down, failed);
    const connect = failed.find((p) => p.name === 'connect');
    expect(connect?.status.code).toBe(STATUS.error);
    expect(connect?.attributes['error.type']).toBe('connect_refused');
  });

  it('speaks OTLP/JSON to a traces endpoint taken as given, and traces a kept-alive stdio server as pipe', async () => {
    receiver = await startReceiver();
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', `${receiver.url}/custom/traces`);
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'http/json');
    vi.stubEnv('OTEL_SERVICE_NAME', 'watchers');
    const log = pino({ level: 'silent' });
    tracing = await startTracing(process.env, log);
    expect(tracing).toBeDefined();
    const file = path.join(dir, 'mcpwatch.yaml');
    writeFileSync(
      file,
      `monitors:
  - kind: mcp
    name: local
    target: { command: ${process.execPath}, args: [${WELL_BEHAVED}, --token=hunter2] }
    mode: keepalive
    intervalSec: 1
`,
    );
    service = await Service.start({
      store: await openStore(path.join(dir, 'mcpwatch.db')),
      log,
      config: await ConfigWatcher.start(file, { source: { env: {} } }),
      runnerFor: tracing?.runnerFor(runnerFor),
    });
    // The first check starts the server; the second finds it running.
    await until(
      'two checks',
      () => roots(receiver?.spans() ?? []),
      (r) => r.length >= 2,
    );

    const request = receiver.requests[0];
    expect(request?.path).toBe('/custom/traces');
    expect(request?.headers['content-type']).toBe('application/json');
    const spans = receiver.spans();
    const root = roots(spans)[0] as ReceivedSpan;
    expect(root.resource['service.name']).toBe('watchers');
    expect(root.name).toBe('tools/list');
    expect(root.kind).toBe(KIND.client);
    expect(root.attributes).toMatchObject({
      'mcp.method.name': 'tools/list',
      'mcpwatch.monitor.name': 'local',
      'mcpwatch.mcp.transport': 'stdio',
      'network.transport': 'pipe',
    });
    // A command line can carry secrets: it is not recorded.
    expect(JSON.stringify(root.attributes)).not.toContain('hunter2');
    expect(root.attributes['url.full']).toBeUndefined();
    const phases = childrenOf(spans, root);
    expect(phases.map((p) => p.name)).toEqual(expect.arrayContaining(['spawn', 'handshake', 'tools']));
    expectLaidEndToEnd(root, phases);
    const again = roots(spans)[1] as ReceivedSpan;
    expect(again.name).toBe('tools/list');
    expect(again.traceId).not.toBe(root.traceId);
    const resumed = childrenOf(spans, again);
    expect(resumed.map((p) => p.name)).not.toContain('spawn');
    expectLaidEndToEnd(again, resumed);
  });
});
