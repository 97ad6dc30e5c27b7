import { displayUrl, NPM_NAME, PROBES, type ProbeKind, stdioTargetSchema } from '@mcpwatch/probe';
import { z } from 'zod';
import { templatesSchema } from './alerting-schema.js';
import { checkHeartbeat, heartbeatShape } from './heartbeat-schema.js';

const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `give an http(s) URL, like ${example}` });

/** host:port (or tcp://host:port); an IPv6 host goes in brackets. */
const HOST_PORT = /^(tcp:\/\/)?(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+):([1-9]\d{0,4})$/;

/** What every monitor has, whatever its kind: how it is named, grouped, alerted on and recovered. */
const commonShape = {
  name: z
    .string()
    .min(1)
    .optional()
    .describe('Unique among monitors; events and alerts use it. Default: the target.'),
  group: z.string().min(1).optional().describe('A heading to show the monitor under.'),
  tags: z.array(z.string().min(1)).default([]).describe('Free labels, for filtering.'),
  enabled: z.boolean().default(true).describe('false keeps the monitor in the file but stops checking it.'),
  consecutiveFails: z
    .number()
    .int()
    .positive()
    .default(3)
    .describe('Failed checks in a row before the monitor is down.'),
  recoverAfter: z
    .number()
    .int()
    .positive()
    .default(1)
    .describe('Good checks in a row before a down monitor is up again.'),
  alertMessage: z
    .string()
    .optional()
    .describe('Sent when the monitor goes down, instead of the default text.'),
  recoveryMessage: z
    .string()
    .optional()
    .describe('Sent when the monitor recovers, instead of the default text.'),
  notify: z
    .array(z.string().min(1))
    .optional()
    .describe('Channel names to notify of this monitor, beside those its routes choose.'),
  dependsOn: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Monitors this one needs (a gateway, a shared database): while one is down, this one’s alerts are held and summarised in its.',
    ),
  templates: templatesSchema.optional(),
};

const intervalSec = z.number().int().positive().default(60).describe('Seconds between checks.');

/**
 * The target of each probe kind. Typed against the probe registry, so a kind added there without a
 * target here fails the build rather than a user's config.
 */
const TARGETS = {
  mcp: z
    .union([httpUrl('https://mcp.example.com/mcp'), stdioTargetSchema], {
      error:
        'give the MCP endpoint URL, like https://mcp.example.com/mcp, or a stdio server as {command, args, env, cwd}',
    })
    .describe('The MCP endpoint URL, or {command, args, env, cwd} to start a stdio server.'),
  http: httpUrl('https://mcp.example.com/healthz').describe('The URL to request.'),
  tcp: z
    .string()
    .regex(HOST_PORT, 'give host:port, like db.internal:5432')
    .refine((v) => {
      const port = HOST_PORT.exec(v)?.[3];
      return port === undefined || Number(port) <= 65535;
    }, 'the port is above 65535: give host:port')
    .describe('host:port to connect to.'),
  npm: z
    .string()
    .max(214)
    .regex(NPM_NAME, 'give an npm package name, like @modelcontextprotocol/server-everything')
    .describe('The package to watch.'),
} satisfies Record<ProbeKind, z.ZodType>;

/** Monitor fields that belong to one probe kind but are not options of its probe. */
const EXTRAS = {
  mcp: {
    mode: z
      .enum(['cold', 'keepalive'])
      .default('cold')
      .describe(
        'stdio only. cold: start the server for each check (measures start-up); keepalive: keep one running, restarted with backoff when it dies.',
      ),
  },
  http: {},
  tcp: {},
  npm: {
    intervalSec: z
      .number()
      .int()
      .positive()
      .default(3600)
      .describe('Seconds between checks; releases are rare, so the default asks once an hour.'),
  },
} satisfies Record<ProbeKind, z.ZodRawShape>;

/**
 * Combinations no server could satisfy, said at load time with the line rather than at the first check.
 * The probe refuses them too; this only places the message in the file.
 */
function checkMcp(value: object, ctx: z.RefinementCtx): void {
  const monitor = value as { target: unknown; transport?: string; mode?: string };
  const isUrl = typeof monitor.target === 'string';
  if (isUrl && monitor.transport === 'stdio') {
    ctx.addIssue({
      code: 'custom',
      path: ['transport'],
      message: 'stdio needs a command as target, not a URL',
    });
  }
  if (!isUrl && (monitor.transport === 'streamable-http' || monitor.transport === 'sse')) {
    ctx.addIssue({
      code: 'custom',
      path: ['transport'],
      message: `${monitor.transport} needs a URL as target, not a command`,
    });
  }
  if (isUrl && monitor.mode === 'keepalive') {
    ctx.addIssue({
      code: 'custom',
      path: ['mode'],
      message: 'keepalive keeps a stdio server running: it needs a command as target, not a URL',
    });
  }
}

function probeMonitorSchema<K extends ProbeKind>(kind: K) {
  const options = PROBES[kind].schema as z.ZodObject<(typeof PROBES)[K]['schema']['shape']>;
  const schema = options.extend({
    kind: z.literal(kind),
    target: TARGETS[kind] as (typeof TARGETS)[K],
    ...commonShape,
    intervalSec,
    ...(EXTRAS[kind] as (typeof EXTRAS)[K]),
  });
  return kind === 'mcp' ? schema.superRefine(checkMcp) : schema;
}

type ProbeMonitorSchemas = { [K in ProbeKind]: ReturnType<typeof probeMonitorSchema<K>> };

/** One monitor schema per probe kind, read off the registry: a new probe kind is a new monitor kind. */
export const probeMonitorSchemas = Object.fromEntries(
  (Object.keys(PROBES) as ProbeKind[]).map((kind) => [kind, probeMonitorSchema(kind)]),
) as ProbeMonitorSchemas;

export const heartbeatMonitorSchema = z
  .object({
    kind: z.literal('heartbeat'),
    ...commonShape,
    // There is no target to name it after: the ping URL's token is issued by the service.
    name: commonShape.name.unwrap().describe('Unique among monitors; events and alerts use it.'),
    ...heartbeatShape,
  })
  .strict()
  .superRefine(checkHeartbeat);

/** The kind that is not a probe: heartbeats are pushed by the server, not fetched. */
const OTHER_KINDS = { heartbeat: heartbeatMonitorSchema };

export const MONITOR_KINDS = [...Object.keys(PROBES), ...Object.keys(OTHER_KINDS)] as MonitorKind[];
export type MonitorKind = ProbeKind | keyof typeof OTHER_KINDS;

/** The schema of each kind, for tools that need one kind's fields (did-you-mean, docs). */
export const MONITOR_SCHEMAS: Record<MonitorKind, z.ZodObject> = { ...probeMonitorSchemas, ...OTHER_KINDS };

const monitorUnion = z.discriminatedUnion('kind', [
  ...Object.values(probeMonitorSchemas),
  heartbeatMonitorSchema,
] as [ProbeMonitorSchemas[ProbeKind], typeof heartbeatMonitorSchema]);

type Named<T> = T extends unknown ? Omit<T, 'name'> & { name: string } : never;

/** A validated monitor with every default filled in, its name included. */
export type Monitor = Named<z.output<typeof monitorUnion>>;
export type MonitorInput = z.input<typeof monitorUnion>;

export const monitorSchema = monitorUnion.transform((monitor) => ({
  ...monitor,
  name: nameOf(monitor) ?? monitor.kind,
})) as unknown as z.ZodType<Monitor, MonitorInput>;

/**
 * A monitor's name, or what it watches when it has none (so the seed's shape needs no name): the URL,
 * host:port or package, or a stdio server's command line. Undefined when there is nothing to name it by.
 */
export function nameOf(monitor: unknown): string | undefined {
  if (monitor === null || typeof monitor !== 'object') return undefined;
  const { name, target } = monitor as { name?: unknown; target?: unknown };
  if (typeof name === 'string') return name;
  // A URL named after itself must not carry its password into names, events and alerts.
  if (typeof target === 'string') {
    return URL.canParse(target) && new URL(target).password ? displayUrl(new URL(target)) : target;
  }
  if (target !== null && typeof target === 'object') {
    const { command, args } = target as { command?: unknown; args?: unknown };
    if (typeof command !== 'string') return undefined;
    return [command, ...(Array.isArray(args) ? args.map(String) : [])].join(' ');
  }
  return undefined;
}

/** The options a monitor hands its probe: exactly the fields its kind's options schema declares. */
export function probeOptionsOf(monitor: Monitor & { kind: ProbeKind }): Record<string, unknown> {
  const keys = Object.keys(PROBES[monitor.kind].schema.shape);
  const record = monitor as unknown as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => record[k] !== undefined).map((k) => [k, record[k]]));
}
