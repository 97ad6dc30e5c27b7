import { escapeXml as e } from './escape.js';

/**
 * Advance widths of Verdana (units per em: 2048) for printable ASCII, from its metrics, as shields.io measures
 * badge text: 11 px Verdana. Other characters count as the widest letter, so a badge never clips its text.
 */
const VERDANA: readonly number[] = [
  720,
  807,
  947,
  1827,
  1427,
  2426,
  1627,
  553,
  1018,
  1018,
  1427,
  1827,
  721,
  1032,
  721,
  1024, // space … /
  1427,
  1427,
  1427,
  1427,
  1427,
  1427,
  1427,
  1427,
  1427,
  1427, // 0 … 9
  1018,
  1018,
  1827,
  1827,
  1827,
  1233,
  2265, // : ; < = > ? @
  1552,
  1542,
  1574,
  1748,
  1419,
  1308,
  1757,
  1702,
  948,
  1030,
  1556,
  1275,
  1904, // A … M
  1696,
  1799,
  1348,
  1799,
  1582,
  1546,
  1361,
  1667,
  1552,
  2249,
  1547,
  1366,
  1544, // N … Z
  1018,
  1024,
  1018,
  1827,
  1427,
  1427, // [ \ ] ^ _ `
  1372,
  1419,
  1196,
  1419,
  1358,
  784,
  1419,
  1443,
  604,
  777,
  1327,
  604,
  2212, // a … m
  1443,
  1380,
  1419,
  1419,
  972,
  1170,
  890,
  1443,
  1327,
  1833,
  1327,
  1327,
  1186, // n … z
  1425,
  1024,
  1425,
  1827, // { | } ~
];
const WIDEST = 2426;

/** The width of `text` in 11 px Verdana, in pixels. */
export function textWidth(text: string): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    units += code >= 32 && code <= 126 ? (VERDANA[code - 32] as number) : WIDEST;
  }
  return (units * 11) / 2048;
}

/** shields.io's named colours, so a JSON endpoint and an SVG badge agree. */
export const COLORS = {
  brightgreen: '#4c1',
  green: '#97ca00',
  yellow: '#dfb317',
  orange: '#fe7d37',
  red: '#e05d44',
  blue: '#007ec6',
  lightgrey: '#9f9f9f',
} as const;
export type BadgeColor = keyof typeof COLORS;

const PADDING = 10;

/** A flat badge, drawn as shields.io draws one: a grey label, a coloured message, text with a faint shadow. */
export function badgeSvg(label: string, message: string, color: BadgeColor): string {
  const labelWidth = Math.round(textWidth(label)) + PADDING;
  const messageWidth = Math.round(textWidth(message)) + PADDING;
  const width = labelWidth + messageWidth;
  const title = e(`${label}: ${message}`);
  const text = (value: string, x: number, w: number) => {
    const center = Math.round(x * 10 + (w * 10) / 2);
    const length = (w - PADDING) * 10;
    return `<text aria-hidden="true" x="${center}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${length}">${e(
      value,
    )}</text><text x="${center}" y="140" transform="scale(.1)" fill="#fff" textLength="${length}">${e(value)}</text>`;
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${title}"><title>${title}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="${labelWidth}" height="20" fill="#555"/><rect x="${labelWidth}" width="${messageWidth}" height="20" fill="${COLORS[color]}"/><rect width="${width}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">${text(
    label,
    0,
    labelWidth,
  )}${text(message, labelWidth, messageWidth)}</g></svg>`;
}
