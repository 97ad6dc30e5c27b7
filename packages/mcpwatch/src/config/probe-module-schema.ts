import { PROBES, type ProbeKind } from '@mcpwatch/probe';
import { z } from 'zod';

/** Module names travel in `?module=` and in Prometheus configs: keep them to URL-safe characters. */
export const MODULE_NAME = /^[A-Za-z0-9_.-]+$/;

const allowedTargets = z
  .array(
    z.string().refine(
      (pattern) => {
        try {
          new RegExp(pattern);
          return true;
        } catch {
          return false;
        }
      },
      { error: 'not a valid regular expression: check its brackets and escapes' },
    ),
  )
  .optional()
  .describe(
    'Regular expressions, matched against the whole target: /probe refuses any target none of them matches. Absent: any target.',
  );

/**
 * A target chosen by whoever sends `/probe?target=…` must never become a command line on this host, so an
 * MCP module runs over HTTP only. Said at load time, with the line, rather than at the first request.
 */
function checkMcpModule(value: object, ctx: z.RefinementCtx): void {
  const { transport, era } = value as { transport?: string; era?: string };
  if (transport === 'stdio') {
    ctx.addIssue({
      code: 'custom',
      path: ['transport'],
      message:
        'stdio is refused in a probe module: a target chosen by the scraper must never become a command line; watch stdio servers with a monitor instead',
    });
  }
  // The probe refuses this pair too, but only when a request comes: say it with the line instead.
  if (transport === 'sse' && era === 'modern') {
    ctx.addIssue({
      code: 'custom',
      path: ['era'],
      message: 'the HTTP+SSE transport predates the modern era: use transport streamable-http, or era legacy',
    });
  }
}

/**
 * One module: a probe kind and the options a monitor of that kind takes, with the same defaults (read off
 * the probe registry, so a new kind is a new module kind). `timeoutMs` is the module's budget; a shorter
 * scrape timeout from Prometheus lowers it per request.
 */
function moduleSchemaOf<K extends ProbeKind>(kind: K) {
  const options = PROBES[kind].schema as z.ZodObject<(typeof PROBES)[K]['schema']['shape']>;
  const schema = options.extend({
    kind: z.literal(kind),
    allowedTargets,
  });
  return kind === 'mcp' ? schema.superRefine(checkMcpModule) : schema;
}

type ProbeModuleSchemas = { [K in ProbeKind]: ReturnType<typeof moduleSchemaOf<K>> };

const moduleSchemas = Object.fromEntries(
  (Object.keys(PROBES) as ProbeKind[]).map((kind) => [kind, moduleSchemaOf(kind)]),
) as ProbeModuleSchemas;

export const probeModuleSchema = z.discriminatedUnion(
  'kind',
  Object.values(moduleSchemas) as [ProbeModuleSchemas[ProbeKind], ...ProbeModuleSchemas[ProbeKind][]],
);

export type ProbeModule = z.output<typeof probeModuleSchema>;
export type ProbeModuleInput = z.input<typeof probeModuleSchema>;
export type ProbeModules = Record<string, ProbeModule>;

export const probeModulesSchema = z
  .record(z.string(), probeModuleSchema)
  // Checked here rather than as the key's schema, whose failure zod reports without its message.
  .superRefine((modules, ctx) => {
    for (const name of Object.keys(modules)) {
      if (MODULE_NAME.test(name)) continue;
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'name modules with letters, digits, _ . - only: the name goes in ?module= and in URLs',
      });
    }
  })
  .optional()
  .describe(
    'Modules for GET /probe?target=…&module=…, by name, as blackbox_exporter has them: { mcp_prod: { kind: mcp, timeoutMs: 5000 } }. Absent: /probe is off in mcpwatch serve; mcpwatch exporter offers mcp, http_2xx and tcp_connect with default options.',
  );

/** What a config without `probeModules` offers: each kind a scraper is likely to want, with defaults. */
export const DEFAULT_PROBE_MODULE_INPUTS = {
  mcp: { kind: 'mcp' },
  http_2xx: { kind: 'http' },
  tcp_connect: { kind: 'tcp' },
} satisfies Record<string, ProbeModuleInput>;

/** The module used when a request names none. */
export const DEFAULT_MODULE = 'mcp';

export const DEFAULT_PROBE_MODULES: ProbeModules = Object.fromEntries(
  Object.entries(DEFAULT_PROBE_MODULE_INPUTS).map(([name, input]) => [name, probeModuleSchema.parse(input)]),
);
