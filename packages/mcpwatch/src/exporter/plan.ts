import { NPM_NAME, PROBES, type ProbeKind, prepareMcpOptions } from '@mcpwatch/probe';
import { DEFAULT_MODULE, type ProbeModule, type ProbeModules } from '../config/probe-module-schema.js';

/**
 * Prometheus's scrape timeout minus this is the probe's budget, as blackbox_exporter's default
 * `--timeout-offset`: the answer must reach Prometheus before it gives up on the scrape.
 */
export const TIMEOUT_OFFSET_MS = 500;

/** One probe to run for a request: decided without I/O, so every refusal is a pure, tested answer. */
export interface ProbePlan {
  module: string;
  kind: ProbeKind;
  target: string;
  options: Record<string, unknown>;
  /** The whole probe's deadline: its `timeoutMs`, and the bound the route holds the answer to. */
  budgetMs: number;
}

export type PlanError = { code: PlanErrorCode; message: string };

/** Each way a request can be refused; every one is a 400 whose message says what to do. */
export const PLAN_ERROR_CODES = [
  'missing_target',
  'unknown_module',
  'stdio_refused',
  'invalid_target',
  'target_not_allowed',
  'invalid_timeout',
] as const;
export type PlanErrorCode = (typeof PLAN_ERROR_CODES)[number];

export interface PlanInput {
  /** The query string as Fastify parses it: a repeated key is an array. */
  query: Record<string, unknown>;
  /** `X-Prometheus-Scrape-Timeout-Seconds`, when the scraper sent it. */
  scrapeTimeout: string | string[] | undefined;
}

/** Names a scraper might use to ask for a stdio probe; none can be configured (the schema refuses it). */
const STDIO_NAMES = /^(mcp[-_.])?stdio$/i;
const HOST_PORT = /^(tcp:\/\/)?(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+):([1-9]\d{0,4})$/;

/**
 * Turns `/probe?target=…&module=…` into the probe to run, or the reason it will not run. `modules` is the
 * config's `probeModules` (or the defaults); `cache` keeps the options built for each module and budget,
 * so a scrape that repeats does not validate them again.
 */
export function planProbe(
  input: PlanInput,
  modules: ProbeModules,
  cache: OptionsCache = new OptionsCache(),
): ProbePlan | PlanError {
  const target = single(input.query.target);
  if (target === undefined || target === '') {
    return {
      code: 'missing_target',
      message:
        'Give one target to probe: /probe?target=https://host/mcp&module=mcp (in Prometheus, relabel __address__ to __param_target)',
    };
  }
  const name = single(input.query.module) ?? DEFAULT_MODULE;
  const known = Object.keys(modules).join(', ') || 'none';
  const module = Object.hasOwn(modules, name) ? modules[name] : undefined;
  if (STDIO_NAMES.test(name) || single(input.query.transport) === 'stdio') {
    return {
      code: 'stdio_refused',
      message: `/probe never runs stdio servers: a target chosen by the scraper must never become a command line. Watch stdio servers with a monitor in mcpwatch.yaml; modules here: ${known}`,
    };
  }
  if (module === undefined) {
    return {
      code: 'unknown_module',
      message: `No probe module "${name}": use one of ${known}, or define it under probeModules in mcpwatch.yaml`,
    };
  }
  const invalid = checkTarget(module.kind, target);
  if (invalid) return { code: 'invalid_target', message: invalid };
  if (module.allowedTargets && !allowed(module.allowedTargets, target)) {
    return {
      code: 'target_not_allowed',
      message: `Module "${name}" does not probe "${target}": add a pattern that matches it to its allowedTargets, or use another module`,
    };
  }
  const budget = budgetMs(module.timeoutMs, input.scrapeTimeout);
  if (typeof budget === 'string') return { code: 'invalid_timeout', message: budget };
  return {
    module: name,
    kind: module.kind,
    target,
    options: cache.get(module, budget),
    budgetMs: budget,
  };
}

/**
 * The probe's budget: the module's `timeoutMs`, lowered to the scrape timeout minus the offset when the
 * scraper says it will wait less (when the timeout is so short the offset would eat it, half of it).
 * A header that is not a positive number is refused, as blackbox_exporter does.
 */
export function budgetMs(moduleTimeoutMs: number, header: string | string[] | undefined): number | string {
  const text = single(header);
  if (text === undefined) return moduleTimeoutMs;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    return `X-Prometheus-Scrape-Timeout-Seconds "${text}" is not a positive number of seconds: fix the scraper, or leave the header out`;
  }
  const ms = seconds * 1000;
  const scrape = ms > 2 * TIMEOUT_OFFSET_MS ? ms - TIMEOUT_OFFSET_MS : ms / 2;
  return Math.max(1, Math.floor(Math.min(moduleTimeoutMs, scrape)));
}

/** Only what the module's kind can take: each kind's own target shape, never a command line. */
function checkTarget(kind: ProbeKind, target: string): string | undefined {
  if (kind === 'mcp' || kind === 'http') {
    const url = URL.canParse(target) ? new URL(target) : undefined;
    if (url?.protocol === 'http:' || url?.protocol === 'https:') return undefined;
    return `The target of a ${kind} module is an http(s) URL, like https://host/mcp; /probe never starts a command, so watch stdio servers with a monitor in mcpwatch.yaml`;
  }
  if (kind === 'tcp') {
    const port = HOST_PORT.exec(target)?.[3];
    if (port !== undefined && Number(port) <= 65535) return undefined;
    return 'The target of a tcp module is host:port, like db.internal:5432';
  }
  if (target.length <= 214 && NPM_NAME.test(target)) return undefined;
  return 'The target of an npm module is a package name, like @modelcontextprotocol/server-everything';
}

const compiled = new WeakMap<readonly string[], RegExp[]>();

/** Anchored like Prometheus regexes: a pattern must match the whole target, not a part of it. */
function allowed(patterns: readonly string[], target: string): boolean {
  let regexes = compiled.get(patterns);
  if (!regexes) {
    regexes = patterns.map((p) => new RegExp(`^(?:${p})$`));
    compiled.set(patterns, regexes);
  }
  return regexes.some((r) => r.test(target));
}

function single(value: unknown): string | undefined {
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The probe options of each module at each budget seen. A module object is replaced when the config
 * reloads, so entries of an old config go with it; budgets are few (one per scrape timeout in use).
 */
export class OptionsCache {
  private readonly byModule = new WeakMap<ProbeModule, Map<number, Record<string, unknown>>>();

  get(module: ProbeModule, budget: number): Record<string, unknown> {
    let byBudget = this.byModule.get(module);
    if (!byBudget) {
      byBudget = new Map();
      this.byModule.set(module, byBudget);
    }
    let options = byBudget.get(budget);
    if (!options) {
      // A stray header value per request must not grow this without end.
      if (byBudget.size >= 64) byBudget.clear();
      options = optionsOf(module, budget);
      byBudget.set(budget, options);
    }
    return options;
  }
}

/** The fields of the module its probe takes (the rest is the module's own), with the budget as deadline. */
function optionsOf(module: ProbeModule, budget: number): Record<string, unknown> {
  const record = module as unknown as Record<string, unknown>;
  const keys = Object.keys(PROBES[module.kind].schema.shape);
  const options = Object.fromEntries(keys.filter((k) => record[k] !== undefined).map((k) => [k, record[k]]));
  options.timeoutMs = budget;
  // Validated once here, and marked so: the MCP probe skips validating them on every request.
  return module.kind === 'mcp' ? (prepareMcpOptions(options) as Record<string, unknown>) : options;
}
