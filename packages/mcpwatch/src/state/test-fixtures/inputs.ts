import { type ToolInfo, toolsHash } from '@mcpwatch/probe';
import type { MonitorEvent } from '../events.js';
import { type CheckResult, type Input, initialState, type TransitionConfig } from '../monitor-state.js';
import { transition } from '../transition.js';

/** Inputs and runners shared by the state machine's tests. */
export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const MINUTE = 60_000;

export function result(status: CheckResult['status'], extra: Partial<CheckResult> = {}): Input {
  const message = status === 'up' ? 'notes 1.0.0 is up' : `the check was ${status}`;
  const reason = status === 'down' ? 'connect_refused' : status === 'degraded' ? 'slow' : undefined;
  const r: CheckResult = { status, message, ...extra };
  if (reason !== undefined && extra.reason === undefined) r.reason = reason;
  return { kind: 'result', result: r };
}

export const UP = result('up');
export const DOWN = result('down');
export const DEG = result('degraded');
export const CANCELLED = result('down', { reason: 'cancelled', message: 'cancelled' });
export const PAUSE: Input = { kind: 'pause' };
export const RESUME: Input = { kind: 'resume' };
export const MISSED: Input = { kind: 'heartbeat_missed', expectedAt: '2026-01-01T00:00:00.000Z' };

/** An event as the tables spell it: its kind, and `+opened` or `+resolved` when it moves an incident. */
export function label(e: MonitorEvent): string {
  return e.incident === undefined ? e.kind : `${e.kind}+${e.incident}`;
}

export const tools1: ToolInfo[] = [
  {
    name: 'search',
    description: 'Search the notes.',
    inputSchema: {
      type: 'object',
      properties: { query: { type: 'string' }, limit: { type: 'integer' } },
      required: ['query'],
    },
  },
  { name: 'append', description: 'Append a line.' },
];

export function withTools(tools: ToolInfo[], extra: Partial<NonNullable<CheckResult['mcp']>> = {}): Input {
  return result('up', {
    mcp: { transport: 'streamable-http', tools, toolsHash: toolsHash(tools), ...extra },
  });
}

/**
 * Runs inputs one minute apart and returns every step's output. With `snapshots`, hands each result the
 * tool list stored under the state's hash, as the service does; without, a tool change has hashes only.
 */
export function play(inputs: Input[], config: Partial<TransitionConfig> = {}, { snapshots = false } = {}) {
  const stored = new Map<string, readonly ToolInfo[]>();
  let state = initialState(new Date(T0));
  return inputs.map((input, i) => {
    let step = input;
    if (input.kind === 'result') {
      const previousTools =
        snapshots && state.toolsHash !== undefined ? stored.get(state.toolsHash) : undefined;
      if (previousTools !== undefined) step = { ...input, previousTools };
      const mcp = input.result.mcp;
      if (mcp?.tools && mcp.toolsHash) stored.set(mcp.toolsHash, mcp.tools);
    }
    const out = transition(state, step, new Date(T0 + (i + 1) * MINUTE), config);
    state = out.state;
    return out;
  });
}

export function playWithSnapshots(inputs: Input[], config: Partial<TransitionConfig> = {}) {
  return play(inputs, config, { snapshots: true });
}
