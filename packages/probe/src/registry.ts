import type { z } from 'zod';
import { mcpOptionsSchema } from './mcp/options.js';
import { httpOptionsSchema, probeHttp } from './probes/http.js';
import { type McpTarget, probeMcp } from './probes/mcp.js';
import { npmOptionsSchema, probeNpm } from './probes/npm.js';
import { probeTcp, tcpOptionsSchema } from './probes/tcp.js';
import type { ProbeResult } from './result.js';

/** Every probe kind has one signature: target, options and the caller's signal in; a result out. */
export type ProbeFn<T = string> = (
  target: T,
  options: Record<string, unknown>,
  signal?: AbortSignal,
) => Promise<ProbeResult>;

/**
 * The one list of probe kinds: each with its options schema beside its function. The service and the
 * config schema read this map, so a new kind is added here and nowhere else.
 */
export const PROBES = {
  mcp: { schema: mcpOptionsSchema, probe: probeMcp as ProbeFn<McpTarget> },
  http: { schema: httpOptionsSchema, probe: probeHttp as ProbeFn },
  tcp: { schema: tcpOptionsSchema, probe: probeTcp as ProbeFn },
  npm: { schema: npmOptionsSchema, probe: probeNpm as ProbeFn },
} satisfies Record<string, { schema: z.ZodType; probe: ProbeFn<never> }>;

export type ProbeKind = keyof typeof PROBES;
