import { z } from 'zod';
import type { ProbeContext } from '../context.js';
import { ProbeFailure } from '../failure.js';
import { connect } from '../net/connect.js';
import { commonOptionsShape, prepare } from '../options.js';
import { snippet } from '../protocol/jsonrpc.js';
import type { ProbeResult } from '../result.js';
import { type Draft, runProbe } from '../run.js';

export const tcpOptionsSchema = z
  .object({
    ...commonOptionsShape,
    /** Speak TLS after connecting, and inspect the certificate. */
    secure: z.boolean().default(false),
    send: z.string().optional().describe('Bytes to send once connected (UTF-8; \\r\\n as written).'),
    expect: z.string().optional().describe('The reply must contain this.'),
    expectMatches: z.string().optional().describe('The reply must match this regular expression.'),
  })
  .strict();

export type TcpOptionsInput = z.input<typeof tcpOptionsSchema>;
export type TcpOptions = z.output<typeof tcpOptionsSchema>;

/** Probes a TCP port (host:port or tcp://host:port), optionally sending a line and expecting a reply. */
export async function probeTcp(
  target: string,
  input: TcpOptionsInput = {},
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const options = prepare(tcpOptionsSchema, input);
  const { host, port } = parseHostPort(target);
  return runProbe('tcp', `${host}:${port}`, options, signal, (ctx, draft, cleanup) =>
    run(host, port, options, ctx, draft, cleanup),
  );
}

export function parseHostPort(target: string): { host: string; port: number } {
  const url = new URL(target.includes('://') ? target : `tcp://${target}`);
  const port = Number(url.port);
  if (!url.hostname || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`"${target}" is not host:port: give one like db.internal:5432`);
  }
  return { host: url.hostname, port };
}

async function run(
  host: string,
  port: number,
  options: TcpOptions,
  ctx: ProbeContext,
  draft: Draft,
  cleanup: (fn: () => Promise<void>) => void,
): Promise<string> {
  const socket = await connect(host, port, options.secure, ctx, options.tls);
  cleanup(async () => {
    socket.destroy();
  });
  if (options.send === undefined && options.expect === undefined && options.expectMatches === undefined) {
    return `${host}:${port} accepts connections (${Math.round(ctx.elapsed())} ms)`;
  }
  const seen = { text: '' };
  try {
    await ctx.phase('request', (signal) => exchange(socket, options, signal, seen));
  } catch (error) {
    // A server that answered, but not with what was expected, is not hung: only silence is a timeout.
    if (error instanceof ProbeFailure && error.reason === 'timeout' && seen.text !== '') {
      throw new ProbeFailure(
        'assertion_failed',
        `The reply does not contain what was expected: ${snippet(seen.text)}`,
        'request',
      );
    }
    throw error;
  } finally {
    if (seen.text !== '') draft.tcp = { received: snippet(seen.text, 200) };
  }
  return `${host}:${port} answered as expected in ${Math.round(ctx.elapsed())} ms`;
}

/** Sends, then reads until the expectation is met, the peer closes, or the byte limit is reached. */
function exchange(
  socket: import('node:net').Socket,
  options: TcpOptions,
  signal: AbortSignal,
  seen: { text: string },
): Promise<void> {
  const matches = (text: string) =>
    (options.expect === undefined || text.includes(options.expect)) &&
    (options.expectMatches === undefined || new RegExp(options.expectMatches).test(text));
  const expecting = options.expect !== undefined || options.expectMatches !== undefined;
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (error?: Error) => {
      socket.removeAllListeners('data');
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () =>
      done(
        expecting
          ? new ProbeFailure('timeout', `No matching reply in time; received: ${snippet(text)}`)
          : new ProbeFailure('timeout', 'The send did not complete in time'),
      );
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      seen.text = text;
      if (text.length > options.maxBytes)
        return done(new ProbeFailure('response_too_large', `The reply passed ${options.maxBytes} bytes`));
      if (expecting && matches(text)) done();
    });
    socket.once('end', () => {
      if (!expecting || matches(text)) done();
      else if (text === '')
        // Closed before saying anything: the server hung up, which is not a wrong answer.
        done(new ProbeFailure('connect_reset', 'The server closed the connection without replying'));
      else
        done(
          new ProbeFailure(
            'assertion_failed',
            `The reply does not contain what was expected: ${snippet(text)}`,
          ),
        );
    });
    socket.once('error', (error) =>
      done(new ProbeFailure('connect_reset', `The connection failed: ${error.message}`)),
    );
    if (options.send !== undefined) socket.write(options.send);
    if (!expecting) socket.end(() => done());
  });
}
