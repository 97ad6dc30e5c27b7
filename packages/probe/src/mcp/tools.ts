import { createHash } from 'node:crypto';
import type { ToolInfo } from '../result.js';

/** Keeps the fields of a tool that matter to a client, dropping anything else a server adds. */
export function toToolInfo(raw: unknown): ToolInfo | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const t = raw as Record<string, unknown>;
  if (typeof t.name !== 'string') return undefined;
  const tool: ToolInfo = { name: t.name };
  if (typeof t.title === 'string') tool.title = t.title;
  if (typeof t.description === 'string') tool.description = t.description;
  if (t.inputSchema !== undefined) tool.inputSchema = t.inputSchema;
  if (t.outputSchema !== undefined) tool.outputSchema = t.outputSchema;
  if (t.annotations !== undefined) tool.annotations = t.annotations;
  return tool;
}

/**
 * A hash of the tool list that changes exactly when what a client sees changes: tools sorted by name,
 * object keys sorted at every depth, so neither server-side ordering nor JSON formatting moves it.
 */
export function toolsHash(tools: readonly ToolInfo[]): string {
  const sorted = [...tools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `sha256:${createHash('sha256').update(canonicalJson(sorted)).digest('hex')}`;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
