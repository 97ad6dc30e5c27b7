import { z } from 'zod';
import { PROVIDERS } from '../notify/providers/index.js';
import { EVENT_KINDS } from '../state/events.js';

/** Channel names are keys in YAML and in URLs (`/api/v1/channels/<name>`): keep them plain. */
export const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A title and body in the template language of notify/template.ts (`{{monitor.name}}`, `{{reason}}` …). */
export const templateSchema = z
  .object({
    title: z.string().min(1).optional().describe('One line; {{...}} fields as in docs/notifications.md.'),
    body: z.string().min(1).optional().describe('The text; {{...}} fields as in docs/notifications.md.'),
  })
  .strict();

/** Templates per event kind, for a monitor or a channel that wants its own wording. */
export const templatesSchema = z
  .partialRecord(z.enum(EVENT_KINDS as [string, ...string[]]), templateSchema)
  .describe('Per event kind (down, recovered, tools_changed …): a title and body overriding the default.');

/**
 * One schema per provider, read off the provider registry (a provider added there is a channel type here),
 * each with the fields every channel has.
 */
function channelSchema(type: string, config: z.ZodType) {
  return (config as z.ZodObject).extend({
    type: z.literal(type),
    templates: templatesSchema.optional(),
  });
}

export const channelSchemas = Object.entries(PROVIDERS).map(([type, provider]) =>
  channelSchema(type, provider.config),
);

export const channelConfigSchema = z.discriminatedUnion(
  'type',
  channelSchemas as unknown as [z.ZodObject, ...z.ZodObject[]],
  { error: `give a channel type: one of ${Object.keys(PROVIDERS).join(', ')}` },
);

/** Which events go to which channels. Every condition given must hold; none given matches everything. */
export const routeSchema = z
  .object({
    monitors: z.array(z.string().min(1)).optional().describe('Monitor names this route is for.'),
    groups: z.array(z.string().min(1)).optional().describe('Monitor groups this route is for.'),
    tags: z.array(z.string().min(1)).optional().describe('A monitor with any of these tags matches.'),
    kinds: z
      .array(z.enum(EVENT_KINDS as [string, ...string[]]))
      .optional()
      .describe('Event kinds; default every kind but paused and resumed.'),
    minPriority: z
      .number()
      .int()
      .min(1)
      .max(10)
      .optional()
      .describe('Only events at least this loud (1–10).'),
    channels: z.array(z.string().regex(CHANNEL_NAME)).min(1).describe('Channel names to notify.'),
  })
  .strict();

/** A time when alerts are held and the monitors show maintenance, not downtime. */
export const maintenanceSchema = z
  .object({
    name: z.string().min(1),
    monitors: z.array(z.string().min(1)).optional(),
    groups: z.array(z.string().min(1)).optional(),
    tags: z.array(z.string().min(1)).optional(),
    start: z.iso.datetime({ offset: true }).optional().describe('One-off: when it starts (ISO 8601).'),
    end: z.iso.datetime({ offset: true }).optional().describe('One-off: when it ends (ISO 8601).'),
    schedule: z.string().optional().describe('Recurring: a cron expression for when each window starts.'),
    durationMin: z.number().int().positive().optional().describe('Recurring: how long each window lasts.'),
    timezone: z.string().optional().describe('The time zone of schedule; default UTC.'),
  })
  .strict()
  .superRefine((m, ctx) => {
    const oneOff = m.start !== undefined || m.end !== undefined;
    const recurring = m.schedule !== undefined || m.durationMin !== undefined;
    if (oneOff === recurring) {
      ctx.addIssue({
        code: 'custom',
        path: ['start'],
        message: 'give start and end (one-off), or schedule and durationMin (recurring)',
      });
    } else if (oneOff && (m.start === undefined || m.end === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [m.start ? 'end' : 'start'],
        message: 'a one-off window needs start and end',
      });
    } else if (oneOff && Date.parse(m.end as string) <= Date.parse(m.start as string)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'end must be after start' });
    } else if (recurring && (m.schedule === undefined || m.durationMin === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [m.schedule ? 'durationMin' : 'schedule'],
        message: 'a recurring window needs schedule and durationMin',
      });
    }
  });

export const alertingSchema = z
  .object({
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe("mcpwatch's public URL, for links to monitors in messages."),
    remindAfterMin: z
      .number()
      .int()
      .positive()
      .default(60)
      .describe('While an incident stays open, remind after this long, then at doubling intervals.'),
    maxReminders: z.number().int().nonnegative().default(5).describe('Reminders per incident at most.'),
  })
  .strict();

export type ChannelConfig = z.output<typeof channelConfigSchema>;
export type Route = z.output<typeof routeSchema>;
export type Maintenance = z.output<typeof maintenanceSchema>;
export type Alerting = z.output<typeof alertingSchema>;
export type Templates = z.output<typeof templatesSchema>;
