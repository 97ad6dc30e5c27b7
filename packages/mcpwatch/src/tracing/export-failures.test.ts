import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Running, startV2 } from '../../../probe/src/test-fixtures/sdk-servers.js';
import { monitorSchema } from '../config/monitor-schema.js';
import type { ProbeSpec } from '../service/run-check.js';
import { runnerFor } from '../service/runners.js';
import { freePort } from '../test-fixtures/free-port.js';
import { until } from '../test-fixtures/until.js';
import { startTracing, type Tracing } from './index.js';
import { type Receiver, startReceiver } from './test-fixtures/otlp-receiver.js';

let mcp: Running | undefined;
let receiver: Receiver | undefined;
let tracing: Tracing | undefined;

afterEach(async () => {
  await tracing?.shutdown(100);
  tracing = undefined;
  await receiver?.close();
  receiver = undefined;
  await mcp?.close();
  mcp = undefined;
  vi.unstubAllEnvs();
});

function capture(): { log: pino.Logger; logged: { level: number; msg: string }[] } {
  const logged: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  return { log, logged };
}

/** One monitor's runner as the service makes it, with tracing wrapped around it. */
function tracedRunner(url: string) {
  const spec = monitorSchema.parse({ kind: 'mcp', name: 'm', target: url }) as ProbeSpec;
  return (tracing as Tracing).runnerFor(runnerFor)(spec, { event: () => {} });
}

describe('a collector that fails', () => {
  it('is down: checks go on, the failure is logged once however often it recurs, stop is bounded', async () => {
    mcp = await startV2();
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', `http://127.0.0.1:${await freePort()}`);
    vi.stubEnv('OTEL_EXPORTER_OTLP_TIMEOUT', '200');
    vi.stubEnv('OTEL_BSP_SCHEDULE_DELAY', '10');
    const { log, logged } = capture();
    tracing = await startTracing(process.env, log);
    const runner = tracedRunner(mcp.url);

    expect((await runner.check(AbortSignal.timeout(10_000))).status).toBe('up');
    const failures = () => logged.filter((l) => l.msg.startsWith('Traces could not be sent'));
    await until('the export failure logged', failures, (f) => f.length > 0);
    expect(failures()[0]).toMatchObject({ level: 40 });
    expect(failures()[0]?.msg).toContain('checks go on');

    expect((await runner.check(AbortSignal.timeout(10_000))).status).toBe('up');
    // The stop flushes the second check's spans into the same refused port: no second line.
    await tracing?.shutdown(10_000);
    tracing = undefined;
    expect(failures()).toHaveLength(1);
    await runner.close();
  });

  it('hangs: checks are not held, and a stop gives up after its bound and says so', async () => {
    mcp = await startV2();
    receiver = await startReceiver({ hang: true });
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.url);
    vi.stubEnv('OTEL_BSP_SCHEDULE_DELAY', '10');
    const { log, logged } = capture();
    tracing = await startTracing(process.env, log);
    const runner = tracedRunner(mcp.url);

    expect((await runner.check(AbortSignal.timeout(10_000))).status).toBe('up');
    await until(
      'the export under way',
      () => receiver?.requests.length ?? 0,
      (n) => n > 0,
    );
    // The collector holds that export open; the next check does not wait for it.
    expect((await runner.check(AbortSignal.timeout(10_000))).status).toBe('up');

    await tracing?.shutdown(200);
    tracing = undefined;
    expect(logged.map((l) => l.msg)).toContain(
      `Traces still unsent to ${receiver.url}/ 200 ms after stopping are dropped`,
    );
    await runner.close();
  });
});
