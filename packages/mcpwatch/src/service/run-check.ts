import { PROBES, type ProbeFn, type ProbeKind, type ProbeResult } from '@mcpwatch/probe';
import { probeOptionsOf } from '../config/monitor-schema.js';
import type { MonitorSpec } from './monitor-spec.js';

export type ProbeSpec = MonitorSpec & { kind: ProbeKind };

export function isProbed(spec: MonitorSpec): spec is ProbeSpec {
  return spec.kind !== 'heartbeat';
}

/**
 * One cold check through the probe registry: the service never branches on a kind. The probe turns
 * whatever a server does into a result; anything it throws is a bug in mcpwatch, reported as this
 * monitor's failure so one bad probe cannot stop the schedule.
 */
export async function runProbe(spec: ProbeSpec, signal: AbortSignal): Promise<ProbeResult> {
  const started = new Date();
  try {
    const probe = PROBES[spec.kind].probe as ProbeFn<unknown>;
    return await probe(spec.target, probeOptionsOf(spec), signal);
  } catch (error) {
    return failedCheck(spec, started, error);
  }
}

export function failedCheck(spec: ProbeSpec, started: Date, error: unknown): ProbeResult {
  const text = error instanceof Error ? error.message : String(error);
  return {
    kind: spec.kind,
    target: spec.name,
    status: 'down',
    reason: 'invalid_response',
    message: `The probe itself failed (${text}): this is a bug in mcpwatch, please report it`,
    startedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    timings: {},
    checks: [],
  };
}
