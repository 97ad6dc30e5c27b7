import { z } from 'zod';

/**
 * Five or six cron fields, or a nickname. The scheduler parses the expression for real; this catches
 * the typo at load time, where the error can still name the line.
 */
const CRON = /^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4,5}\S+)$/;

/**
 * A push monitor: the server (or a wrapper around it) calls `/hb/<token>` and silence is the failure.
 * `period` is healthchecks.io's rule (a ping every periodSec, or on a cron schedule, plus graceSec);
 * `activity` is the seed's rule for stdio servers inside an IDE: silence while nobody uses the server is
 * normal, and only a server that was active and stops pinging without `/stop` is down.
 */
export const heartbeatShape = {
  mode: z
    .enum(['period', 'activity'])
    .default('period')
    .describe(
      'period: a ping is due every periodSec or on schedule; activity: only silence after use alerts.',
    ),
  periodSec: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Mode period: seconds between expected pings (give this or schedule).'),
  schedule: z
    .string()
    .regex(CRON, 'give a cron expression of five or six fields, like "*/5 * * * *", or @hourly')
    .optional()
    .describe('Mode period: a cron expression for when pings are expected (give this or periodSec).'),
  timezone: z.string().optional().describe('The time zone of schedule, like Europe/Paris; default UTC.'),
  graceSec: z
    .number()
    .int()
    .nonnegative()
    .default(300)
    .describe('How late a ping may be before the monitor is down.'),
  windowSec: z
    .number()
    .int()
    .positive()
    .default(900)
    .describe('Mode activity: a server that pinged within this window is active, and must keep pinging.'),
};

type HeartbeatFields = {
  mode: 'period' | 'activity';
  periodSec?: number | undefined;
  schedule?: string | undefined;
  timezone?: string | undefined;
};

/** The fields of one mode make no sense in the other; saying so catches a half-edited monitor. */
export function checkHeartbeat(value: HeartbeatFields, ctx: z.RefinementCtx): void {
  if (value.mode === 'period') {
    if (value.periodSec === undefined && value.schedule === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['periodSec'],
        message: 'a period heartbeat needs periodSec (seconds between pings) or schedule (a cron expression)',
      });
    } else if (value.periodSec !== undefined && value.schedule !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['schedule'],
        message: 'give periodSec or schedule, not both',
      });
    }
  } else {
    for (const key of ['periodSec', 'schedule', 'timezone'] as const) {
      if (value[key] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} belongs to mode period: remove it, or set mode: period (activity mode uses windowSec)`,
        });
      }
    }
  }
}
