/**
 * A tool description is read by the model as trusted context, which makes a changed description the
 * classic tool-poisoning vector. This heuristic does not decide whether a change is an attack; it lists
 * the kinds of content attacks add, so a person can judge. A signal counts only when the new text has
 * more of it than the old text: a description that always said "never" is not news.
 */

export type SignalKind =
  | 'instruction'
  | 'other_tool'
  | 'secrets'
  | 'files'
  | 'hidden_unicode'
  | 'long_addition';

export interface Signal {
  kind: SignalKind;
  /** Why it fired, quoting what matched, so the notification explains itself. */
  detail: string;
}

/** Words addressed to the model rather than describing the tool. */
const INSTRUCTION = [
  /\b(?:ignore|disregard|forget)\b[^.]{0,40}\b(?:previous|prior|above|earlier|other|all)\b/gi,
  /\byou (?:must|should|have to|need to|will)\b/gi,
  /\b(?:before|after) (?:using|calling|you)\b/gi,
  /\b(?:do not|don't|never) (?:tell|mention|reveal|inform|show)\b/gi,
  /<\/?(?:important|system|instructions?|secret)>/gi,
  /\bIMPORTANT\b/g,
];
const OTHER_TOOL = [/\b(?:call(?:ing)?|invok(?:e|ing)|us(?:e|ing)|run(?:ning)?)\b[^.]{0,30}\btools?\b/gi];
const SECRETS = [
  /\b(?:api[ _-]?keys?|access[ _-]?tokens?|tokens?|passwords?|secrets?|credentials?|private[ _-]?keys?)\b/gi,
];
const FILES = [
  /(?:~\/|\/etc\/|\/home\/|[A-Za-z]:\\)/g,
  /\.(?:ssh|env|aws|npmrc|netrc|pem)\b/gi,
  /\b(?:id_rsa|mcp\.json|authorized_keys)\b/gi,
];
/** Zero-width characters, bidirectional controls, invisible operators and Unicode tag characters. */
const HIDDEN = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u{E0000}-\u{E007F}]/gu;
/** Growth past this many characters is more than a reworded sentence. */
export const LONG_ADDITION_CHARS = 400;

function matches(text: string, patterns: RegExp[]): string[] {
  return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[0]));
}

function grew(kind: SignalKind, before: string, after: string, patterns: RegExp[], out: Signal[]) {
  const old = matches(before, patterns);
  const now = matches(after, patterns);
  if (now.length <= old.length) return;
  const fresh = now.filter((m) => !old.includes(m));
  const quoted = (fresh.length > 0 ? fresh : now).slice(0, 3).map((m) => `"${m}"`);
  out.push({ kind, detail: `${now.length - old.length} more: ${quoted.join(', ')}` });
}

/**
 * The signals the new description adds over the old one. `otherTools` are the names of the server's
 * other tools: a description that starts naming them is steering the model across tools.
 */
export function descriptionSignals(
  before: string,
  after: string,
  otherTools: readonly string[] = [],
): Signal[] {
  const out: Signal[] = [];
  grew('instruction', before, after, INSTRUCTION, out);
  const named = otherTools
    .filter((name) => name.length > 2)
    .map((name) => new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g'));
  grew('other_tool', before, after, [...OTHER_TOOL, ...named], out);
  grew('secrets', before, after, SECRETS, out);
  grew('files', before, after, FILES, out);
  const hiddenBefore = before.match(HIDDEN)?.length ?? 0;
  const hiddenAfter = after.match(HIDDEN)?.length ?? 0;
  if (hiddenAfter > hiddenBefore) {
    out.push({ kind: 'hidden_unicode', detail: `${hiddenAfter - hiddenBefore} invisible characters added` });
  }
  const growth = [...after].length - [...before].length;
  if (growth > LONG_ADDITION_CHARS) {
    out.push({ kind: 'long_addition', detail: `${growth} characters longer` });
  }
  return out;
}
