import { z } from 'zod';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** The seed's threshold: a probe slower than this is degraded. */
export const DEFAULT_SLOW_MS = 5_000;
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

export const tlsOptionsSchema = z
  .object({
    insecure: z
      .boolean()
      .optional()
      .describe('Go on past an untrusted or mismatched certificate (still reported).'),
    ca: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('Extra trusted CA certificates, PEM.'),
    servername: z
      .string()
      .optional()
      .describe('SNI name and the name to verify, when it differs from the host.'),
    expiryWarnDays: z
      .number()
      .int()
      .nonnegative()
      .default(14)
      .describe('Degrade this many days before expiry.'),
  })
  .strict();

/** Options every probe kind shares: the time budget, the byte limit and the slow threshold. */
export const commonOptionsShape = {
  timeoutMs: z
    .number()
    .int()
    .positive()
    .default(DEFAULT_TIMEOUT_MS)
    .describe('Deadline for the whole probe.'),
  phaseTimeoutMs: z.number().int().positive().optional().describe('Upper bound for any single phase.'),
  slowMs: z.number().int().positive().default(DEFAULT_SLOW_MS).describe('Slower than this is degraded.'),
  maxBytes: z.number().int().positive().default(DEFAULT_MAX_BYTES).describe('Byte limit per body or stream.'),
  tls: tlsOptionsSchema.default({ expiryWarnDays: 14 }),
};

export type CommonOptions = z.output<z.ZodObject<typeof commonOptionsShape>>;

/** The input that `z.input` accepts: every default optional. */
export type Input<S extends z.ZodType> = z.input<S>;

const PREPARED = Symbol('mcpwatch.preparedOptions');

/**
 * Validates options once and marks the result, so a monitor that probes every few seconds with the same
 * options skips validation on each run (cold, it costs about a tenth of a probe's CPU). The marked object
 * is frozen: a prepared value cannot drift from what was validated.
 */
export function prepare<S extends z.ZodType>(schema: S, input: unknown): Readonly<z.output<S>> {
  // The mark names the schema, so options prepared for one kind are still checked when given to another.
  if (
    typeof input === 'object' &&
    input !== null &&
    (input as { [PREPARED]?: unknown })[PREPARED] === schema
  ) {
    return input as z.output<S>;
  }
  const parsed = schema.parse(input) as object;
  Object.defineProperty(parsed, PREPARED, { value: schema });
  return Object.freeze(parsed) as z.output<S>;
}
