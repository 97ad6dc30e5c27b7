// Follows Nodemailer's SMTP transport (https://nodemailer.com/smtp/: host, port, secure, requireTLS, auth,
// connectionTimeout, greetingTimeout, socketTimeout; sendMail's `signal`) and the reply classes of RFC 5321
// §4.2.1: a 4yz reply is a transient failure worth retrying, a 5yz reply a permanent one.
import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { Delivery, Notification, Notifier } from '../notifier.js';

/** An address as SMTP takes it: `a@example.com` or `Name <a@example.com>`. */
const address = z
  .string()
  .min(3)
  .regex(
    /^[^\r\n]*@[^\r\n]*$/,
    'give an e-mail address, e.g. alerts@example.com or "mcpwatch <alerts@example.com>"',
  );

const config = z
  .object({
    host: z
      .string()
      .min(1, 'give the SMTP server host name')
      .describe('The SMTP server (a relay or provider).'),
    port: z.number().int().min(1).max(65_535).default(587).describe('587 (submission, STARTTLS) by default.'),
    secure: z
      .boolean()
      .default(false)
      .describe('TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it.'),
    requireTLS: z
      .boolean()
      .default(false)
      .describe('Refuse to send unless the server upgrades the connection with STARTTLS.'),
    username: z.string().min(1).optional().describe('SMTP AUTH user, when the server wants one.'),
    password: z.string().optional().describe('SMTP AUTH password (as ${SMTP_PASSWORD}).'),
    from: address.describe('The sender address.'),
    to: z
      .array(address)
      .min(1, 'give at least one recipient')
      .describe('Recipients; each gets the same mail.'),
  })
  .strict()
  .refine((c) => (c.username === undefined) === (c.password === undefined), {
    message: 'give username and password together, or neither',
    path: ['password'],
  });

export type EmailConfig = z.output<typeof config>;

/** A rendered mail: what nodemailer's sendMail takes, nothing else. */
export interface Mail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Per-phase bounds of a send (the caller's signal bounds the whole). Nodemailer's own defaults are minutes. */
export const TIMEOUTS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
} as const;
const SUBJECT_CHARS = 200;
const ERROR_CHARS = 500;

/** Errors of nodemailer's that retrying cannot cure without a change of config. */
const PERMANENT_CODES = new Set([
  'EAUTH',
  'ENOAUTH',
  'ETLS',
  'EREQUIRETLS',
  'ECONFIG',
  'EENVELOPE',
  'EMESSAGE',
]);

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A subject is one header line: line breaks and other control characters become spaces. */
function subjectOf(title: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const line = title.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length <= SUBJECT_CHARS ? line : `${line.slice(0, SUBJECT_CHARS - 1)}…`;
}

/** Only an http(s) link becomes an anchor: any other scheme (javascript:, data:) is left out. */
function safeLink(link: string | undefined): string | undefined {
  if (!link || !URL.canParse(link)) return undefined;
  return ['http:', 'https:'].includes(new URL(link).protocol) ? link : undefined;
}

function rows(n: Notification): [string, string][] {
  return [
    ...n.facts.map((f) => [f.label, f.value] as [string, string]),
    ['Monitor', n.monitor.group ? `${n.monitor.name} (${n.monitor.group})` : n.monitor.name],
    ['Target', n.monitor.target],
    ['At', n.at],
  ];
}

function html(n: Notification, link: string | undefined): string {
  const table = rows(n)
    .map(
      ([label, value]) =>
        `<tr><th align="left" style="padding:4px 12px 4px 0;vertical-align:top">${escapeHtml(label)}</th>` +
        `<td style="padding:4px 0">${escapeHtml(value)}</td></tr>`,
    )
    .join('\n');
  return [
    '<!DOCTYPE html>',
    '<html><body style="font-family:sans-serif;font-size:14px;color:#222">',
    `<h2 style="font-size:18px;margin:0 0 12px">${escapeHtml(n.title)}</h2>`,
    `<p style="white-space:pre-wrap;margin:0 0 12px">${escapeHtml(n.body)}</p>`,
    `<table style="border-collapse:collapse">\n${table}\n</table>`,
    ...(link
      ? [
          `<p style="margin:12px 0 0"><a href="${escapeHtml(link)}">Open ${escapeHtml(n.monitor.name)} in mcpwatch</a></p>`,
        ]
      : []),
    '</body></html>',
  ].join('\n');
}

function text(n: Notification, link: string | undefined): string {
  const facts = rows(n).map(([label, value]) => `${label}: ${value}`);
  return [n.body, '', ...facts, ...(link ? ['', link] : [])].join('\n');
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * An SMTP failure as a delivery: a reply code decides when there is one (4yz transient, 5yz permanent:
 * 421/450/451/452 are retried, 535/550/553 are not); otherwise connection trouble is retried and
 * configuration trouble (TLS refused, no AUTH offered, a malformed address) is not.
 */
export function classify(error: SmtpError, host: string, aborted: boolean): Extract<Delivery, { ok: false }> {
  const reply = error.response ?? error.message ?? String(error);
  const detail = aborted ? 'timed out' : reply.replace(/\s+/g, ' ').trim().slice(0, ERROR_CHARS);
  const code = error.responseCode;
  const permanent =
    !aborted &&
    (code !== undefined ? code >= 500 : error.code !== undefined && PERMANENT_CODES.has(error.code));
  return { ok: false, permanent, error: `${host}: ${detail}` };
}

/**
 * E-mail over SMTP: one mail per notification to every recipient, as plain text and HTML (every value
 * escaped: a monitor's name or a server's error text is data, never markup). A recipient the server
 * refuses while others are accepted is reported in the delivery's answer, not retried, since a retry
 * would send the others a second copy.
 */
export const email = {
  type: 'email',
  description: 'Sends an e-mail (plain text and HTML) through an SMTP server.',
  config,
  render(n, c): Mail {
    const link = safeLink(n.link);
    return {
      from: c.from,
      to: [...c.to],
      subject: subjectOf(n.title),
      text: text(n, link),
      html: html(n, link),
    };
  },
  async send(mail, c, signal): Promise<Delivery> {
    const transport = nodemailer.createTransport({
      host: c.host,
      port: c.port,
      secure: c.secure,
      requireTLS: c.requireTLS,
      ...(c.username !== undefined ? { auth: { user: c.username, pass: c.password ?? '' } } : {}),
      ...TIMEOUTS,
    });
    try {
      const info = await transport.sendMail({ ...mail, signal });
      const rejected = info.rejected.length ? `; refused: ${info.rejected.join(', ')}` : '';
      return { ok: true, response: `${info.response}${rejected}`.slice(0, ERROR_CHARS) };
    } catch (error) {
      return classify(error as SmtpError, c.host, signal.aborted);
    } finally {
      transport.close();
    }
  },
} satisfies Notifier<EmailConfig, Mail>;
