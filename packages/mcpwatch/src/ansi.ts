/** The few styles the human output uses; with colour off every style is the identity. */
export interface Paint {
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export function paint(color: boolean): Paint {
  if (!color) {
    const same = (text: string) => text;
    return { green: same, yellow: same, red: same, bold: same, dim: same };
  }
  return {
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    red: wrap(31, 39),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
  };
}

/**
 * Colour only for a person at a terminal: never into a pipe or file, never with --no-color or NO_COLOR
 * (https://no-color.org), and always with FORCE_COLOR for CI logs that render ANSI.
 */
export function wantsColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
  flag: boolean,
): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}
