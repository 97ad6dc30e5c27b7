import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { type Exchange, Observer } from './observer.js';
import { LineSplitter, MAX_OBSERVED_LINE, relay } from './relay.js';

/** The signals a wrapper passes on to its server; anything else ends the wrapper as usual. */
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

/** How the server ended, for the wrapper to end the same way. */
export type WrapOutcome = { code: number } | { signal: NodeJS.Signals };

/** What a wrapper does besides relaying: metrics, heartbeats, reports. Their failures stay theirs. */
export interface WrapExtras {
  exchange(exchange: Exchange): void;
  /** The server ended; `crashed` unless it exited with 0 or was stopped by a signal the wrapper forwarded. */
  stop(crashed: boolean): Promise<void>;
}

export interface WrapIo {
  stdin: Readable;
  stdout: Writable;
  /** Writes one of the wrapper's own diagnostics (to stderr, prefixed `mcpwatch wrap:`). */
  warn(message: string): void;
  /** Where the server's stderr goes: `inherit` passes it through untouched, never read by the wrapper. */
  stderr: 'inherit' | 'ignore' | 'pipe';
  onSignal(signal: ForwardedSignal, handler: () => void): void;
}

export interface WrapOptions {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  extras?: WrapExtras;
  /** After the client closes stdin: how long the server has to exit before SIGTERM, and again before SIGKILL. */
  closeGraceMs?: number;
  /** After a forwarded SIGINT, SIGTERM or SIGHUP: how long the server has before SIGKILL. */
  killAfterMs?: number;
  maxObservedLine?: number;
  /** Called with every exchange, after the extras; for tests. */
  onExchange?(exchange: Exchange): void;
}

/** Exit codes of a command that could not be started, as shells use them. */
export const EXIT_NOT_FOUND = 127;
export const EXIT_NOT_EXECUTABLE = 126;

/**
 * Runs a stdio MCP server behind the wrapper: stdin and stdout are relayed byte for byte both ways and
 * observed on the side, stderr is inherited. Resolves once the server has ended and the extras have
 * stopped (each wait is bounded), with how the server ended.
 */
export function runWrapper(options: WrapOptions, io: WrapIo): Promise<WrapOutcome> {
  return new Promise((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, fn: () => void) => {
      const t = setTimeout(fn, ms);
      t.unref();
      timers.push(t);
    };
    let child: ChildProcessByStdio<Writable, Readable, null>;
    try {
      child = spawn(options.command, options.args, {
        stdio: ['pipe', 'pipe', io.stderr],
        env: options.env ?? process.env,
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      }) as ChildProcessByStdio<Writable, Readable, null>;
    } catch (error) {
      // Spawn throws synchronously only for arguments it refuses (a NUL byte, say).
      io.warn(`cannot start ${options.command}: ${(error as Error).message}`);
      const stopped = options.extras?.stop(true).catch(() => {}) ?? Promise.resolve();
      void stopped.then(() => resolve({ code: EXIT_NOT_FOUND }));
      return;
    }

    const extras = options.extras;
    const observer = new Observer((exchange) => {
      try {
        extras?.exchange(exchange);
      } catch {}
      options.onExchange?.(exchange);
    });
    let toldSkipped = false;
    const skipped = (bytes: number) => {
      if (toldSkipped) return;
      toldSkipped = true;
      io.warn(
        `relayed a ${bytes}-byte message without reading it (past ${options.maxObservedLine ?? MAX_OBSERVED_LINE} bytes, messages are not observed); said once`,
      );
    };
    const max = options.maxObservedLine ?? MAX_OBSERVED_LINE;
    const fromClient = new LineSplitter((l) => observer.fromClient(l), skipped, max);
    const fromServer = new LineSplitter((l) => observer.fromServer(l), skipped, max);

    let endOutput = () => {};
    const outputEnded = new Promise<void>((r) => {
      endOutput = r;
    });
    let stopping: ForwardedSignal | undefined;
    let clientGone = false;
    /** The client is done (stdin ended, or nobody reads stdout): let the server finish, then insist. */
    const clientClosed = () => {
      if (clientGone) return;
      clientGone = true;
      if (!child.stdin.destroyed && !child.stdin.writableEnded) child.stdin.end();
      const grace = options.closeGraceMs ?? 5000;
      later(grace, () => {
        if (exited) return;
        io.warn(`the server did not exit ${grace / 1000} s after its input closed: sending SIGTERM`);
        child.kill('SIGTERM');
        later(grace, () => {
          if (exited) return;
          io.warn('the server ignored SIGTERM: sending SIGKILL');
          child.kill('SIGKILL');
        });
      });
    };

    relay(
      io.stdin,
      child.stdin,
      {
        observe: (chunk) => fromClient.push(chunk),
        end: () => {
          fromClient.end();
          clientClosed();
        },
        // The server closed its stdin; it is ending or will say so on stdout.
        lost: () => {},
      },
      true,
    );
    relay(
      child.stdout,
      io.stdout,
      {
        observe: (chunk) => fromServer.push(chunk),
        end: () => {
          fromServer.end();
          endOutput();
        },
        lost: () => clientClosed(),
      },
      false,
    );

    for (const signal of FORWARDED_SIGNALS) {
      io.onSignal(signal, () => {
        if (exited) return;
        if (stopping === undefined) {
          const ms = options.killAfterMs ?? 10_000;
          later(ms, () => {
            if (exited) return;
            io.warn(`the server did not exit ${ms / 1000} s after ${signal}: sending SIGKILL`);
            child.kill('SIGKILL');
          });
        }
        stopping = signal;
        child.kill(signal);
      });
    }

    let exited = false;
    let done = false;
    const finish = async (outcome: WrapOutcome, crashed: boolean) => {
      if (done) return;
      done = true;
      await drain(io.stdout, 2000);
      if (extras) {
        try {
          await extras.stop(crashed);
        } catch (error) {
          io.warn(`stopping the heartbeat, reports or metrics failed: ${(error as Error).message}`);
        }
      }
      for (const t of timers) clearTimeout(t);
      io.stdin.pause();
      resolve(outcome);
    };

    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) {
        io.warn(`the server process failed: ${error.message}`);
        return;
      }
      exited = true;
      const code = error.code === 'ENOENT' ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE;
      io.warn(
        error.code === 'ENOENT'
          ? `cannot start ${options.command}: command not found (ENOENT); check the command and PATH in the client's config`
          : `cannot start ${options.command}: ${error.code ?? error.message}; check that it is an executable file`,
      );
      void finish({ code }, true);
    });
    child.once('exit', async (code, signal) => {
      exited = true;
      const expected = signal ? stopping !== undefined || clientGone : code === 0;
      if (signal && !expected) io.warn(`the server was killed by ${signal}`);
      // What the server wrote before it ended still reaches the client, and is counted; a grandchild
      // holding the pipe open cannot keep the wrapper waiting more than 2 s.
      await Promise.race([outputEnded, new Promise((r) => later(2000, () => r(undefined)))]);
      // Calls in flight when the server crashed fail for the client, so they count as failed calls.
      if (!expected) observer.abandon('client', 'server_exited');
      void finish(signal ? { signal } : { code: code ?? 1 }, !expected);
    });
  });
}

/** Resolves once `stream` has written what it holds, or after `ms`. */
function drain(stream: Writable, ms: number): Promise<void> {
  if (stream.destroyed || stream.writableLength === 0) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
    stream.once('drain', () => {
      clearTimeout(t);
      resolve();
    });
    stream.once('error', () => resolve());
  });
}
