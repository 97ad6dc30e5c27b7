import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startV2 } from '../../../probe/src/test-fixtures/sdk-servers.js';
import { main } from '../cli.js';
import { until } from '../test-fixtures/until.js';
import { startTracing } from './index.js';
import { startReceiver } from './test-fixtures/otlp-receiver.js';

// The SDK and exporters are CommonJS: what this process has loaded of them is in the require cache.
const loaded = createRequire(import.meta.url).cache;
const sdkModules = () =>
  Object.keys(loaded).filter((file) => /@opentelemetry[\\/](sdk-trace|exporter-trace|resources)/.test(file));

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllEnvs();
});

function lines(): { log: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

// One file, in order: the SDK-free runs come before the run that loads the SDK on purpose.
describe('traces switched off', () => {
  it('mcpwatch serve with OTEL_SDK_DISABLED checks as usual, loads no SDK and sends nothing', async () => {
    const receiver = await startReceiver();
    const mcp = await startV2();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-tracing-off-'));
    cleanups.push(
      () => receiver.close(),
      () => mcp.close(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.url);
    vi.stubEnv('OTEL_SDK_DISABLED', 'true');
    vi.stubEnv('OTEL_BSP_SCHEDULE_DELAY', '10');
    const config = path.join(dir, 'mcpwatch.yaml');
    writeFileSync(
      config,
      `monitors:\n  - kind: mcp\n    name: m\n    target: ${mcp.url}\n    intervalSec: 1\n`,
    );
    const controller = new AbortController();
    const running = main(
      ['serve', '--port', '0', '--data', dir, '--config', config, '--log-level', 'error'],
      {
        stdout: { write: () => true },
        stderr: { write: () => true },
        env: process.env,
        home: dir,
        signal: controller.signal,
      },
    );
    await until(
      'two checks',
      () => mcp.requests.filter((r) => r === 'POST tools/list').length,
      (n) => n >= 2,
    );
    controller.abort(new Error('test over'));
    expect(await running).toBe(0);
    // serve has stopped, and a stop flushes whatever tracing would have queued.
    expect(receiver.requests).toEqual([]);
    expect(sdkModules()).toEqual([]);
  });

  it('says why grpc cannot be used, and starts no SDK for it', async () => {
    const { log, lines: logged } = lines();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' };
    expect(await startTracing(env, log)).toBeUndefined();
    expect(logged).toEqual([
      expect.objectContaining({
        level: 50,
        msg: expect.stringMatching(
          /^Traces are off: OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: set it to http\/protobuf/,
        ),
      }),
    ]);
    expect(await startTracing({ OTEL_TRACES_EXPORTER: 'none', ...env }, log)).toBeUndefined();
    expect(sdkModules()).toEqual([]);
  });

  it('loads the SDK once an endpoint is set (the check above is not vacuous)', async () => {
    const { log } = lines();
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:4318');
    const tracing = await startTracing(process.env, log);
    cleanups.push(() => tracing?.shutdown(100));
    expect(tracing).toBeDefined();
    expect(sdkModules().length).toBeGreaterThan(0);
  });
});
