import net from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test-fixtures/free-port.js';
import { downNotification } from '../test-fixtures.js';
import { classify, type EmailConfig, email, escapeHtml } from './email.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const signal = () => AbortSignal.timeout(10_000);

interface Session {
  auth?: { method: string; username: string; password: string };
  from?: string;
  to: string[];
  data?: string;
}

/**
 * A real SMTP server on loopback (the smtp-server package): it records what the client said in each
 * step, and `options` can refuse any step the way a real server would.
 */
async function smtpServer(options: Partial<SMTPServerOptions> = {}) {
  const sessions: Session[] = [];
  const current = (id: string) => {
    let s = byId.get(id);
    if (!s) {
      s = { to: [] };
      byId.set(id, s);
      sessions.push(s);
    }
    return s;
  };
  const byId = new Map<string, Session>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onMailFrom(address, session, callback) {
      current(session.id).from = address.address;
      callback();
    },
    onRcptTo(address, session, callback) {
      current(session.id).to.push(address.address);
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        current(session.id).data = Buffer.concat(chunks).toString('utf8');
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as net.AddressInfo;
  close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { port, sessions, current };
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

/** The decoded text of a quoted-printable MIME part. */
function qp(text: string): string {
  return Buffer.from(
    text
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

const base = { host: '127.0.0.1', from: 'mcpwatch <alerts@example.com>', to: ['oncall@example.com'] };

describe('email: rendering', () => {
  const config = email.config.parse(base);

  it('renders the subject, a text part and an HTML part with a table of facts and a link', () => {
    const mail = email.render(downNotification(), config);
    expect(mail).toEqual({
      from: 'mcpwatch <alerts@example.com>',
      to: ['oncall@example.com'],
      subject: 'docs-search is down',
      text: [
        'server/discover got HTTP 503 (phase handshake, reason http_status)',
        'Down for 3 minutes.',
        '',
        'Reason: http_status',
        'Phase: handshake',
        'Monitor: docs-search (prod)',
        'Target: https://mcp.example.com/mcp',
        'At: 2026-11-22T10:00:00.000Z',
        '',
        'https://mcpwatch.example.com/monitors/7',
      ].join('\n'),
      html: [
        '<!DOCTYPE html>',
        '<html><body style="font-family:sans-serif;font-size:14px;color:#222">',
        '<h2 style="font-size:18px;margin:0 0 12px">docs-search is down</h2>',
        '<p style="white-space:pre-wrap;margin:0 0 12px">server/discover got HTTP 503 (phase handshake, reason http_status)\nDown for 3 minutes.</p>',
        '<table style="border-collapse:collapse">',
        '<tr><th align="left" style="padding:4px 12px 4px 0;vertical-align:top">Reason</th><td style="padding:4px 0">http_status</td></tr>',
        '<tr><th align="left" style="padding:4px 12px 4px 0;vertical-align:top">Phase</th><td style="padding:4px 0">handshake</td></tr>',
        '<tr><th align="left" style="padding:4px 12px 4px 0;vertical-align:top">Monitor</th><td style="padding:4px 0">docs-search (prod)</td></tr>',
        '<tr><th align="left" style="padding:4px 12px 4px 0;vertical-align:top">Target</th><td style="padding:4px 0">https://mcp.example.com/mcp</td></tr>',
        '<tr><th align="left" style="padding:4px 12px 4px 0;vertical-align:top">At</th><td style="padding:4px 0">2026-11-22T10:00:00.000Z</td></tr>',
        '</table>',
        '<p style="margin:12px 0 0"><a href="https://mcpwatch.example.com/monitors/7">Open docs-search in mcpwatch</a></p>',
        '</body></html>',
      ].join('\n'),
    });
  });

  it('renders a resolve the same way, with its own title', () => {
    const mail = email.render(
      downNotification({ kind: 'recovered', state: 'resolved', title: 'docs-search recovered', facts: [] }),
      config,
    );
    expect(mail.subject).toBe('docs-search recovered');
    expect(mail.html).toContain('<h2 style="font-size:18px;margin:0 0 12px">docs-search recovered</h2>');
  });

  it('escapes hostile text in the HTML and keeps a subject to one line', () => {
    const hostile = '<img src=x onerror="alert(1)"> & <script>steal()</script>';
    const mail = email.render(
      downNotification({
        title: `evil\r\nBcc: victim@example.com ${hostile}`,
        body: hostile,
        facts: [{ label: '<b>Reason</b>', value: hostile }],
        monitor: { ...downNotification().monitor, name: hostile },
        link: 'javascript:alert(1)',
      }),
      config,
    );
    expect(mail.html).not.toMatch(/<script|<img|<b>|javascript:/);
    expect(mail.html).toContain(escapeHtml(hostile));
    expect(mail.html).not.toContain('<a ');
    expect(mail.text).toContain(hostile);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject.startsWith('evil Bcc: victim@example.com')).toBe(true);
    expect(escapeHtml(`"'&<>`)).toBe('&quot;&#39;&amp;&lt;&gt;');
  });

  it('cuts a long subject to 200 characters', () => {
    const mail = email.render(downNotification({ title: 's'.repeat(1000) }), config);
    expect(mail.subject).toHaveLength(200);
    expect(mail.subject.endsWith('…')).toBe(true);
  });

  it('checks the config: a recipient at least, username and password together, port 587 by default', () => {
    expect(email.config.parse(base)).toMatchObject({ port: 587, secure: false, requireTLS: false });
    expect(email.config.safeParse({ ...base, to: [] }).error?.issues[0]?.message).toBe(
      'give at least one recipient',
    );
    expect(email.config.safeParse({ ...base, username: 'u' }).error?.issues[0]?.message).toBe(
      'give username and password together, or neither',
    );
    expect(email.config.safeParse({ ...base, to: ['nobody'] }).success).toBe(false);
  });
});

describe('email: sending through a real SMTP server', () => {
  for (const method of ['PLAIN', 'LOGIN'] as const) {
    it(`sends MAIL FROM, RCPT TO for each recipient, AUTH ${method}, and a multipart/alternative mail`, async () => {
      const server = await smtpServer({
        authOptional: false,
        authMethods: [method],
        onAuth(auth, session, callback) {
          server.current(session.id).auth = {
            method: auth.method,
            username: auth.username ?? '',
            password: auth.password ?? '',
          };
          if (auth.username === 'mcpwatch' && auth.password === 'a secret password') {
            return callback(null, { user: auth.username });
          }
          return callback(smtpError('Invalid username or password', 535));
        },
      });
      const config: EmailConfig = email.config.parse({
        ...base,
        port: server.port,
        username: 'mcpwatch',
        password: 'a secret password',
        to: ['oncall@example.com', 'Team Lead <lead@example.com>'],
      });
      const delivery = await email.send(email.render(downNotification(), config), config, signal());
      expect(delivery).toMatchObject({ ok: true, response: expect.stringMatching(/^250 /) });

      const [session, ...others] = server.sessions;
      expect(others).toEqual([]);
      expect(session?.auth).toEqual({ method, username: 'mcpwatch', password: 'a secret password' });
      expect(session?.from).toBe('alerts@example.com');
      expect(session?.to).toEqual(['oncall@example.com', 'lead@example.com']);
      const data = session?.data ?? '';
      expect(data).toMatch(/^Subject: docs-search is down\r$/m);
      expect(data).toMatch(/^Content-Type: multipart\/alternative;/m);
      const [, textPart, htmlPart] = data.split(/\r?\n--[^\r\n]+\r?\n/);
      expect(textPart).toMatch(/^Content-Type: text\/plain; charset=utf-8/);
      expect(qp(textPart ?? '')).toContain('Down for 3 minutes.');
      expect(htmlPart).toMatch(/^Content-Type: text\/html; charset=utf-8/);
      expect(qp(htmlPart ?? '')).toContain('<a href="https://mcpwatch.example.com/monitors/7">');
    });
  }

  it('gives up on refused credentials (535)', async () => {
    const server = await smtpServer({
      authOptional: false,
      onAuth: (_auth, _session, callback) => callback(smtpError('Authentication credentials invalid', 535)),
    });
    const config = email.config.parse({ ...base, port: server.port, username: 'u', password: 'wrong' });
    const delivery = await email.send(email.render(downNotification(), config), config, signal());
    expect(delivery).toMatchObject({ ok: false, permanent: true, error: expect.stringContaining('535') });
    expect(JSON.stringify(delivery)).not.toContain('wrong');
  });

  it('retries a recipient deferred with 451, and gives up on one refused with 550', async () => {
    let code = 451;
    const server = await smtpServer({
      onRcptTo: (_address, _session, callback) =>
        callback(smtpError(code === 451 ? 'Try again later' : 'No such user here', code)),
    });
    const config = email.config.parse({ ...base, port: server.port });
    const mail = email.render(downNotification(), config);
    expect(await email.send(mail, config, signal())).toEqual({
      ok: false,
      permanent: false,
      error: '127.0.0.1: 451 Try again later',
    });
    code = 550;
    expect(await email.send(mail, config, signal())).toEqual({
      ok: false,
      permanent: true,
      error: '127.0.0.1: 550 No such user here',
    });
    expect(server.sessions.every((s) => s.data === undefined)).toBe(true);
  });

  it('delivers to the recipients accepted and names the refused one, without a retry', async () => {
    const server = await smtpServer({
      onRcptTo(address, session, callback) {
        if (address.address === 'gone@example.com') return callback(smtpError('No such user here', 550));
        server.current(session.id).to.push(address.address);
        callback();
      },
    });
    const config = email.config.parse({
      ...base,
      port: server.port,
      to: ['oncall@example.com', 'gone@example.com'],
    });
    const delivery = await email.send(email.render(downNotification(), config), config, signal());
    expect(delivery).toMatchObject({
      ok: true,
      response: expect.stringMatching(/; refused: gone@example\.com$/),
    });
    expect(server.sessions[0]?.to).toEqual(['oncall@example.com']);
  });

  it('retries a server that is not there, and one that never greets (bounded by the signal)', async () => {
    const closed = await freePort();
    const config = email.config.parse({ ...base, port: closed });
    expect(await email.send(email.render(downNotification(), config), config, signal())).toMatchObject({
      ok: false,
      permanent: false,
      error: expect.stringMatching(/^127\.0\.0\.1: /),
    });

    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    close = () => new Promise<void>((resolve) => silent.close(() => resolve()));
    const mute = email.config.parse({ ...base, port: (silent.address() as net.AddressInfo).port });
    const aborted = new AbortController();
    const pending = email.send(email.render(downNotification(), mute), mute, aborted.signal);
    aborted.abort();
    expect(await pending).toEqual({ ok: false, permanent: false, error: '127.0.0.1: timed out' });
  });

  it('classifies by the SMTP reply first, then by the kind of failure', () => {
    expect(classify({ responseCode: 421, response: '421 busy' }, 'h', false).permanent).toBe(false);
    expect(classify({ responseCode: 452, response: '452 full' }, 'h', false).permanent).toBe(false);
    expect(classify({ responseCode: 553, response: '553 bad' }, 'h', false).permanent).toBe(true);
    expect(classify({ code: 'ECONNECTION', message: 'closed' }, 'h', false).permanent).toBe(false);
    expect(classify({ code: 'ETIMEDOUT', message: 'slow' }, 'h', false).permanent).toBe(false);
    expect(classify({ code: 'EAUTH', message: 'no AUTH offered' }, 'h', false).permanent).toBe(true);
    expect(classify({ code: 'ETLS', message: 'bad certificate' }, 'h', false).permanent).toBe(true);
  });
});
