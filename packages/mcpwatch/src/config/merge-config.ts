import { Document, isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';
import type { ImportedMonitor } from './import-monitors.js';
import { SCHEMA_URL } from './json-schema.js';
import { nameOf } from './monitor-schema.js';

export interface MergeResult {
  text: string;
  added: string[];
  /** Names already in the file: their monitors there are kept as they are. */
  duplicates: string[];
}

/**
 * Adds monitors to an existing mcpwatch.yaml (or starts one), keeping the file's monitors, comments and
 * order. A monitor whose name the file already has is left out and reported.
 */
export function mergeMonitors(
  existing: string | undefined,
  monitors: readonly ImportedMonitor[],
): MergeResult {
  const doc = existing?.trim() ? parseDocument(existing) : newDocument();
  if (doc.errors.length > 0) {
    throw new Error(`it is not valid YAML (${doc.errors[0]?.message.split('\n')[0]}): fix it first`);
  }
  if (!isMap(doc.contents)) throw new Error('its top level is not a mapping: it should start with monitors:');
  let seq = doc.get('monitors', true);
  if (seq === undefined || seq === null) {
    seq = new YAMLSeq();
    doc.set('monitors', seq);
  }
  if (!isSeq(seq)) throw new Error('its monitors: is not a list');
  const names = new Set(seq.items.map((item) => nameOf((item as { toJSON?: () => unknown }).toJSON?.())));
  const added: string[] = [];
  const duplicates: string[] = [];
  for (const monitor of monitors) {
    if (names.has(monitor.name)) {
      duplicates.push(monitor.name);
      continue;
    }
    names.add(monitor.name);
    seq.add(doc.createNode(monitor));
    added.push(monitor.name);
  }
  return { text: doc.toString({ lineWidth: 0 }), added, duplicates };
}

function newDocument(): Document {
  const doc = new Document({ monitors: [] });
  doc.commentBefore = ` yaml-language-server: $schema=${SCHEMA_URL}\n Monitors for mcpwatch: see docs/configuration.md for every field.`;
  return doc;
}
