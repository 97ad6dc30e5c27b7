import { canonicalJson, type ToolInfo } from '@mcpwatch/probe';
import { descriptionSignals, type Signal } from './description-signals.js';
import { asRecord, diffSchema, type SchemaChange, type Severity } from './schema-diff.js';

/**
 * What changed between two tool lists, as a plain value an event can carry and a notification can render.
 * Tools are matched by name; a rename is a removal plus an addition, which is what it is to an agent.
 */

export interface AnnotationChange {
  key: string;
  from: unknown;
  to: unknown;
  /** The tool now claims to do something riskier: no longer read-only, now destructive, now open-world. */
  risky: boolean;
}

export interface DescriptionChange {
  from: string;
  to: string;
  /** Always set: any change to text the model trusts deserves a look. */
  possiblePoisoning: true;
  /** `suspicious` when the new text adds instruction-like content (see `signals`), `notice` otherwise. */
  level: 'notice' | 'suspicious';
  signals: Signal[];
}

export interface ToolChange {
  name: string;
  input: SchemaChange[];
  output: SchemaChange[];
  annotations: AnnotationChange[];
  title?: { from?: string; to?: string };
  description?: DescriptionChange;
  /** An input or output schema change that breaks existing callers or readers. */
  breaking: boolean;
  /** A risky annotation change or a suspicious description. */
  risky: boolean;
}

export interface AddedTool {
  name: string;
  /** A new tool's description can carry instructions too; scanned against an empty description. */
  signals: Signal[];
}

export interface ToolDiff {
  added: AddedTool[];
  removed: string[];
  changed: ToolChange[];
  /** A tool was removed or a change is breaking. */
  breaking: boolean;
}

/**
 * The spec's defaults for the behaviour hints, so "absent" and "the default, spelled out" compare equal,
 * and the direction that makes a tool riskier.
 */
const HINTS = new Map<string, { default: boolean; riskyWhen: boolean }>([
  ['readOnlyHint', { default: false, riskyWhen: false }],
  ['destructiveHint', { default: true, riskyWhen: true }],
  ['idempotentHint', { default: false, riskyWhen: false }],
  ['openWorldHint', { default: true, riskyWhen: true }],
]);

export function diffTools(previous: readonly ToolInfo[], current: readonly ToolInfo[]): ToolDiff {
  const before = new Map(previous.map((t) => [t.name, t]));
  const after = new Map(current.map((t) => [t.name, t]));
  const names = current.map((t) => t.name);
  const byName = (a: { name: string }, b: { name: string }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

  const added = current
    .filter((t) => !before.has(t.name))
    .map((t) => ({
      name: t.name,
      signals: descriptionSignals('', t.description ?? '', others(names, t.name)),
    }))
    .sort(byName);
  const removed = previous
    .filter((t) => !after.has(t.name))
    .map((t) => t.name)
    .sort();
  const changed: ToolChange[] = [];
  for (const tool of current) {
    const old = before.get(tool.name);
    if (old === undefined || canonicalJson(old) === canonicalJson(tool)) continue;
    const change = diffTool(old, tool, others(names, tool.name));
    // A tool that differs only in what means nothing to a client (a hint's default spelled out) is unchanged.
    const meaningful =
      change.input.length + change.output.length + change.annotations.length > 0 ||
      change.title !== undefined ||
      change.description !== undefined;
    if (meaningful) changed.push(change);
  }
  changed.sort(byName);
  return { added, removed, changed, breaking: removed.length > 0 || changed.some((c) => c.breaking) };
}

export function isEmpty(diff: ToolDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

function others(names: readonly string[], self: string): string[] {
  return names.filter((n) => n !== self);
}

function diffTool(old: ToolInfo, tool: ToolInfo, otherTools: string[]): ToolChange {
  const input = diffSchema(old.inputSchema, tool.inputSchema, 'input');
  const output = diffSchema(old.outputSchema, tool.outputSchema, 'output');
  const annotations = diffAnnotations(old.annotations, tool.annotations);
  const change: ToolChange = {
    name: tool.name,
    input,
    output,
    annotations,
    breaking: [...input, ...output].some((c) => c.severity === 'breaking'),
    risky: annotations.some((a) => a.risky),
  };
  if ((old.title ?? '') !== (tool.title ?? '')) change.title = { from: old.title, to: tool.title };
  const from = old.description ?? '';
  const to = tool.description ?? '';
  if (from !== to) {
    const signals = descriptionSignals(from, to, otherTools);
    const level = signals.length > 0 ? 'suspicious' : 'notice';
    change.description = { from, to, possiblePoisoning: true, level, signals };
    if (level === 'suspicious') change.risky = true;
  }
  return change;
}

function diffAnnotations(previous: unknown, current: unknown): AnnotationChange[] {
  const a = asRecord(previous);
  const b = asRecord(current);
  const out: AnnotationChange[] = [];
  // Own keys only, so a key named like an Object method (`toString`) reads as absent on the side without it.
  const own = (r: Record<string, unknown>, key: string) => (Object.hasOwn(r, key) ? r[key] : undefined);
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const hint = HINTS.get(key);
    const from = own(a, key) ?? hint?.default;
    const to = own(b, key) ?? hint?.default;
    if (canonicalJson(from) === canonicalJson(to)) continue;
    const risky = hint !== undefined && to === hint.riskyWhen && from !== hint.riskyWhen;
    out.push({ key, from: own(a, key), to: own(b, key), risky });
  }
  return out;
}

/** The reasons a changed tool is worth reading about, most serious first. */
export function describeChange(change: ToolChange): string[] {
  const schema = (severity: Severity) =>
    (['input', 'output'] as const).flatMap((side) =>
      change[side]
        .filter((c) => c.severity === severity)
        .map((c) => {
          if (c.path === '') return `${side} schema ${c.what}`;
          return `${side === 'input' ? 'property' : 'output property'} \`${c.path}\` ${c.what}`;
        }),
    );
  const breaking = schema('breaking').map((s) => `breaking: ${s}`);
  const risky = change.annotations
    .filter((a) => a.risky)
    .map((a) => `risky: ${a.key} now ${String(a.to ?? HINTS.get(a.key)?.default)}`);
  const description = change.description
    ? [
        change.description.level === 'suspicious'
          ? `possible poisoning: description adds ${change.description.signals.map((s) => s.kind).join(', ')}`
          : 'description changed (possible poisoning: review it)',
      ]
    : [];
  const compatible = schema('compatible');
  const other = [
    ...change.annotations.filter((a) => !a.risky).map((a) => `${a.key} changed`),
    ...(change.title ? ['title changed'] : []),
  ];
  return [...breaking, ...risky, ...description, ...compatible, ...other];
}

/**
 * One line for a notification: "2 tools changed: search (breaking: property `limit` now required), fetch
 * (possible poisoning: description adds instruction); 1 added: export; 1 removed: delete".
 */
export function summary(diff: ToolDiff): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (diff.changed.length > 0) {
    const items = diff.changed.map((c) => {
      const reasons = describeChange(c);
      const more = reasons.length > 1 ? `, +${reasons.length - 1} more` : '';
      return `${c.name} (${reasons[0] ?? 'changed'}${more})`;
    });
    parts.push(`${plural(diff.changed.length, 'tool')} changed: ${items.join(', ')}`);
  }
  if (diff.added.length > 0) {
    const items = diff.added.map((t) =>
      t.signals.length > 0
        ? `${t.name} (possible poisoning: ${t.signals.map((s) => s.kind).join(', ')})`
        : t.name,
    );
    parts.push(`${diff.added.length} added: ${items.join(', ')}`);
  }
  if (diff.removed.length > 0)
    parts.push(`${diff.removed.length} removed (breaking): ${diff.removed.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'no tool changes';
}
