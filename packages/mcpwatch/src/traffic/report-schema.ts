import { z } from 'zod';
import { MAX_NAME_LENGTH } from './report-limits.js';

/** More tools than any server exports; a report past it is not from `mcpwatch wrap`. */
const MAX_TOOLS = 1000;
const DAY_MS = 86_400_000;

const count = z.number().int().min(0);
const ms = z.number().min(0);

/**
 * What `mcpwatch wrap --report URL` posts to `/hb/<token>/report` (docs/wrap.md): one interval's traffic
 * through the wrapper, counts being deltas for [from, to). The wrapper builds it and the service validates
 * it with this one schema.
 */
export const trafficReportSchema = z
  .object({
    version: z.literal(1),
    server: z.string().min(1).max(MAX_NAME_LENGTH),
    from: z.number().int().positive(),
    to: z.number().int().positive(),
    requests: count,
    errors: count,
    tools: z
      .array(
        z.object({
          name: z.string().min(1).max(MAX_NAME_LENGTH),
          calls: count,
          errors: count,
          durationMsSum: ms,
          durationMsMax: ms,
          durationMsP50: ms,
        }),
      )
      .max(MAX_TOOLS),
  })
  .refine((r) => r.from <= r.to && r.to - r.from <= DAY_MS, {
    message: 'from must not be after to, and one report covers at most a day',
    path: ['to'],
  })
  .refine((r) => r.errors <= r.requests, { message: 'errors cannot exceed requests', path: ['errors'] });

export type TrafficReport = z.infer<typeof trafficReportSchema>;
