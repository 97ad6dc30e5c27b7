import { z } from 'zod';
import {
  type Alerting,
  alertingSchema,
  CHANNEL_NAME,
  type ChannelConfig,
  channelConfigSchema,
  type Maintenance,
  maintenanceSchema,
  type Route,
  routeSchema,
} from './alerting-schema.js';
import { type Monitor, type MonitorInput, monitorSchema, nameOf } from './monitor-schema.js';
import { type ProbeModules, probeModulesSchema } from './probe-module-schema.js';
import { type StatusPage, statusPagesSchema } from './status-page-schema.js';

/** The whole of `mcpwatch.yaml`. */
export const configSchema = z
  .object({
    monitors: z.array(monitorSchema).default([]).describe('What to watch.'),
    channels: z
      .record(
        z.string().regex(CHANNEL_NAME, 'name channels with letters, digits, _ . -'),
        channelConfigSchema,
      )
      .default({})
      .describe('Where notifications go, by name: { oncall: { type: pagerduty, routingKey: ${PD_KEY} } }.'),
    routes: z.array(routeSchema).default([]).describe('Which events go to which channels.'),
    maintenance: z.array(maintenanceSchema).default([]).describe('Windows when alerts are held.'),
    alerting: alertingSchema.default({ remindAfterMin: 60, maxReminders: 5 }),
    statusPages: statusPagesSchema,
    probeModules: probeModulesSchema,
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const duplicate of duplicateNames(config.monitors)) {
      ctx.addIssue({
        code: 'custom',
        path: ['monitors', duplicate.index, 'name'],
        message: duplicate.message,
      });
    }
  });

export type Config = {
  monitors: Monitor[];
  channels: Record<string, ChannelConfig>;
  routes: Route[];
  maintenance: Maintenance[];
  alerting: Alerting;
  statusPages: StatusPage[];
  /** Absent: GET /probe offers the default modules. */
  probeModules?: ProbeModules;
};
export type ConfigInput = { monitors?: MonitorInput[] } & Record<string, unknown>;

/**
 * Names key events, history and the API, so two monitors may not share one. Works on raw input too, so
 * a file with other mistakes still hears about its duplicates in the same run.
 */
export function duplicateNames(monitors: readonly unknown[]): { index: number; message: string }[] {
  const first = new Map<string, number>();
  const found: { index: number; message: string }[] = [];
  monitors.forEach((monitor, index) => {
    const name = nameOf(monitor);
    if (name === undefined) return;
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, index);
    else {
      found.push({
        index,
        message: `"${name}" is already the name of monitors[${earlier}]: give each monitor its own name`,
      });
    }
  });
  return found;
}
