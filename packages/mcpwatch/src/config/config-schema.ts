import { z } from 'zod';
import { type Monitor, type MonitorInput, monitorSchema, nameOf } from './monitor-schema.js';

/** The whole of `mcpwatch.yaml`. */
export const configSchema = z
  .object({
    monitors: z.array(monitorSchema).default([]).describe('What to watch.'),
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

export type Config = { monitors: Monitor[] };
export type ConfigInput = { monitors?: MonitorInput[] };

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
