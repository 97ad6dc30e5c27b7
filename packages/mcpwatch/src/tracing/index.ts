import type { ProbeResult } from '@mcpwatch/probe';
import type { Logger } from 'pino';
import type { CheckRunner } from '../service/check-runner.js';
import type { RunnerHooks } from '../service/monitors.js';
import type { ProbeSpec } from '../service/run-check.js';
import { tracingConfig } from './config.js';
import type { CheckSubject } from './spans.js';

export type { OtlpProtocol, TracingConfig } from './config.js';
export { tracingConfig } from './config.js';

type RunnerFor = (spec: ProbeSpec, hooks: RunnerHooks) => CheckRunner;

export interface Tracing {
  /** How monitors are checked, with each check's result also recorded as a trace. */
  runnerFor(base: RunnerFor): RunnerFor;
  /** Sends the spans still queued, for at most `timeoutMs`; for the service's stop. */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** What a flush on stop may take: an unreachable collector must not hold a restart. */
const SHUTDOWN_MS = 5000;

/**
 * Traces of checks, when the OpenTelemetry variables ask for them (an OTLP endpoint set, the SDK not
 * disabled); otherwise undefined, with the SDK never loaded. `env` decides; the exporter then reads the
 * OTEL_EXPORTER_OTLP_* variables of the process environment itself, so `env` is the process environment.
 * A setup that cannot work is logged once and the service runs without traces: it never stops a start.
 */
export async function startTracing(
  env: Readonly<Record<string, string | undefined>>,
  log: Logger,
): Promise<Tracing | undefined> {
  const config = tracingConfig(env);
  if (!config.enabled) {
    if ('error' in config) log.error(`Traces are off: ${config.error}`);
    else log.debug(`Traces are off: ${config.why}`);
    return undefined;
  }
  let sdk: Awaited<ReturnType<typeof import('./setup.js').createTracingSdk>>;
  try {
    const { createTracingSdk } = await import('./setup.js');
    sdk = await createTracingSdk(config.protocol, config.endpoint, log);
  } catch (error) {
    log.error({ err: error }, `Traces are off: the OpenTelemetry SDK could not start (${String(error)})`);
    return undefined;
  }
  log.info(`Traces of checks go to ${config.endpoint} over OTLP ${config.protocol}`);
  return {
    runnerFor: (base) => traced(base, (subject, result) => sdk.record(subject, result)),
    shutdown: (timeoutMs = SHUTDOWN_MS) => sdk.shutdown(timeoutMs),
  };
}

/** Each runner the base makes, with its results recorded once the probe has finished. */
export function traced(
  base: RunnerFor,
  record: (subject: CheckSubject, result: ProbeResult) => void,
): RunnerFor {
  return (spec, hooks) => {
    const runner = base(spec, hooks);
    return {
      async check(signal) {
        const result = await runner.check(signal);
        record(spec, result);
        return result;
      },
      close: () => runner.close(),
    };
  };
}
