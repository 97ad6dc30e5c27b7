/**
 * Parses JSON that may carry comments and trailing commas: VS Code writes its mcp.json and settings.json
 * that way, and users copy those habits into the other clients' files. Throws a SyntaxError naming the
 * line and column.
 */
export function parseJsonc(text: string): unknown {
  const clean = stripJsonc(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  try {
    return JSON.parse(clean);
  } catch (error) {
    const message = jsonErrorText(error);
    const at = /\s*(?:in JSON )?at position (\d+).*$/s.exec(message);
    if (!at) throw new SyntaxError(message);
    const { line, column } = lineColumn(clean, Number(at[1]));
    throw new SyntaxError(`${message.slice(0, at.index)} at line ${line} column ${column}`);
  }
}

/** JSON.parse's complaint without the text it quotes in some messages: a config file may hold secrets. */
export function jsonErrorText(error: unknown): string {
  return (error as Error).message.replace(/, (?:\.\.\.)?".*is not valid JSON$/s, '');
}

/**
 * Blanks out comments and trailing commas with spaces, keeping every other character where it was so
 * the positions in JSON.parse's errors still point into the user's file.
 */
function stripJsonc(text: string): string {
  const out = text.split('');
  let i = 0;
  /** Index of the last comma seen outside a string, while only whitespace and comments follow it. */
  let pendingComma = -1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      pendingComma = -1;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') out[i++] = ' ';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (; i < stop; i++) if (text[i] !== '\n') out[i] = ' ';
    } else if (c === ',') {
      pendingComma = i++;
    } else if ((c === '}' || c === ']') && pendingComma !== -1) {
      out[pendingComma] = ' ';
      pendingComma = -1;
      i++;
    } else {
      if (c !== undefined && !/\s/.test(c)) pendingComma = -1;
      i++;
    }
  }
  return out.join('');
}

function lineColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n') };
}
