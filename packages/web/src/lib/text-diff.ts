export interface TextPart {
  text: string;
  kind: 'same' | 'added' | 'removed';
}

const MAX_TOKENS = 2000;

function tokens(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/**
 * A word-level diff (longest common subsequence) of two texts, for showing what a tool description
 * gained or lost. Texts too long to compare word by word come back as one removal and one addition.
 */
export function diffWords(before: string, after: string): TextPart[] {
  const a = tokens(before);
  const b = tokens(after);
  if (a.length * b.length > (MAX_TOKENS * MAX_TOKENS) / 4) {
    return [
      { text: before, kind: 'removed' },
      { text: after, kind: 'added' },
    ].filter((p) => p.text !== '') as TextPart[];
  }
  const rows = a.length + 1;
  const cols = b.length + 1;
  const lcs = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * cols + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * cols + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * cols + j] as number, lcs[i * cols + j + 1] as number);
    }
  }
  const parts: TextPart[] = [];
  const push = (text: string, kind: TextPart['kind']) => {
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.text += text;
    else parts.push({ text, kind });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push(a[i] as string, 'same');
      i++;
      j++;
    } else if ((lcs[(i + 1) * cols + j] as number) >= (lcs[i * cols + j + 1] as number)) {
      push(a[i++] as string, 'removed');
    } else {
      push(b[j++] as string, 'added');
    }
  }
  while (i < a.length) push(a[i++] as string, 'removed');
  while (j < b.length) push(b[j++] as string, 'added');
  return parts;
}
