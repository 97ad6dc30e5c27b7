/**
 * Where each value of a JSON-with-comments document sits in its text, so that a few values can be replaced
 * while every comment, blank line and indentation around them stays as the user wrote it. Only positions:
 * the values themselves come from `parseJsonc`, which has already accepted the text.
 */
export type SpanNode =
  | { kind: 'object'; start: number; end: number; keys: Map<string, SpanNode> }
  | { kind: 'value'; start: number; end: number };

/** The spans of a text `parseJsonc` accepts; throws on anything else. Later duplicate keys win, as in JSON.parse. */
export function spansOf(text: string): SpanNode {
  let i = 0;
  const skip = () => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\uFEFF') i++;
      else if (c === '/' && text[i + 1] === '/') while (i < text.length && text[i] !== '\n') i++;
      else if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        i = end === -1 ? text.length : end + 2;
      } else return;
    }
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): SpanNode => {
    skip();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const keys = new Map<string, SpanNode>();
      for (;;) {
        skip();
        if (text[i] === '}') break;
        if (text[i] !== '"') throw new SyntaxError(`expected a key at ${i}`);
        const key = string();
        skip();
        if (text[i++] !== ':') throw new SyntaxError(`expected ':' at ${i - 1}`);
        keys.set(key, value());
        skip();
        if (text[i] === ',') i++;
      }
      i++;
      return { kind: 'object', start, end: i, keys };
    }
    if (c === '[') {
      i++;
      for (;;) {
        skip();
        if (text[i] === ']') break;
        value();
        skip();
        if (text[i] === ',') i++;
      }
      i++;
    } else if (c === '"') {
      string();
    } else {
      while (i < text.length && /[^\s,\]}/]/.test(text[i] as string)) i++;
      if (i === start) throw new SyntaxError(`expected a value at ${i}`);
    }
    return { kind: 'value', start, end: i };
  };
  return value();
}

/** The node at a path of keys, if each step is an object that has it. */
export function spanAt(node: SpanNode | undefined, path: readonly string[]): SpanNode | undefined {
  let at = node;
  for (const key of path) at = at?.kind === 'object' ? at.keys.get(key) : undefined;
  return at;
}

export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Applies edits that do not overlap, in any order. */
export function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
