import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { ProbeContext } from '../context.js';
import { ProbeFailure } from '../failure.js';
import {
  classifyMessage,
  encodeNotification,
  encodeRefusal,
  encodeRequest,
  type RpcReply,
  snippet,
} from '../protocol/jsonrpc.js';
import type { Era, McpInfo } from '../result.js';
import { type Channel, PendingReplies } from './channel.js';
import type { McpOptions } from './options.js';
import type { Session } from './session.js';

export interface StdioTarget {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

const STDERR_LINES = 50;
const STDERR_LINE_BYTES = 1024;
/** Bounds for the polite end: stdin closed, then SIGTERM, then SIGKILL to the whole process group. */
const GRACE_MS = { stdin: 500, term: 1000, kill: 1000 };
/** How long to wait, after the child exits, for what it wrote just before. */
const PIPE_DRAIN_MS = 200;
/** What a child inherits (the SDK's default set), so a server never sees the monitor's own secrets. */
const INHERITED_ENV =
  process.platform === 'win32'
    ? [
        'APPDATA',
        'HOMEDRIVE',
        'HOMEPATH',
        'LOCALAPPDATA',
        'PATH',
        'PROCESSOR_ARCHITECTURE',
        'SYSTEMROOT',
        'TEMP',
        'USERNAME',
        'USERPROFILE',
      ]
    : ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER', 'LANG', 'TMPDIR'];

/**
 * stdio: the server is a child process; one JSON-RPC message per line on stdout, free-form logs on stderr.
 * The child leads its own process group so that it and every grandchild can be ended together.
 */
export class StdioChannel implements Channel {
  readonly transport = 'stdio' as const;
  era: Era | undefined;
  protocolVersion: string | undefined;
  /** The last stderr lines, each cut at 1 KiB. */
  readonly stderr: string[] = [];
  /** stdout lines that were not JSON-RPC: servers that print banners break strict clients. */
  noise: { lines: number; first?: string } = { lines: 0 };
  exit: { code: number | null; signal: string | null } | undefined;
  private readonly pending = new PendingReplies();
  private nextId = 1;
  /** Settles once the child has exited and its pipes are read (or the drain bound passed); never rejects. */
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly maxBytes: number,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        // 'exit' can come before the last stdout and stderr chunks are read: wait for the pipes to close,
        // briefly (a grandchild may hold them open), so the failure quotes the server's last words.
        const settle = () => {
          clearTimeout(timer);
          if (this.exit) return;
          this.exit = { code, signal };
          this.pending.fail(this.exitFailure());
          resolve();
        };
        const timer = setTimeout(settle, PIPE_DRAIN_MS);
        child.once('close', settle);
      });
    });
    this.readStdout();
    this.readStderr();
    // Writes to a dead child fail with EPIPE; the exit is what reports it.
    child.stdin.on('error', () => {});
  }

  /** Spawns the server and resolves once the OS has started it. */
  static spawn(target: StdioTarget, maxBytes: number): Promise<StdioChannel> {
    return new Promise((resolve, reject) => {
      const env: Record<string, string> = {};
      for (const key of INHERITED_ENV) {
        const value = process.env[key];
        if (value !== undefined && !value.startsWith('()')) env[key] = value;
      }
      let child: ChildProcessWithoutNullStreams;
      try {
        child = spawn(target.command, target.args ?? [], {
          cwd: target.cwd,
          env: { ...env, ...target.env },
          stdio: 'pipe',
          detached: process.platform !== 'win32',
          windowsHide: true,
        });
      } catch (error) {
        reject(
          new ProbeFailure('spawn_failed', `Could not start ${target.command}: ${(error as Error).message}`),
        );
        return;
      }
      // No abort here: the OS answers within milliseconds, and the caller closes whatever this resolves to.
      child.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new ProbeFailure(
            'spawn_failed',
            `Could not start ${target.command}: ${error.code ?? error.message}`,
          ),
        );
      });
      child.once('spawn', () => {
        resolve(new StdioChannel(child, maxBytes));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  request(
    method: string,
    params: Record<string, unknown> | undefined,
    signal: AbortSignal,
  ): Promise<RpcReply> {
    const id = this.nextId++;
    return this.pending.exchange(id, signal, () => this.write(encodeRequest(id, method, params)));
  }

  async notify(method: string, params: Record<string, unknown> | undefined): Promise<void> {
    this.write(encodeNotification(method, params));
  }

  /**
   * Closes stdin, then SIGTERM, then SIGKILL to the process group, each after a bounded wait. However the
   * leader ended, the rest of its group is killed: a server that exits politely (or crashes) must not
   * leave the helpers it started running after the probe.
   */
  async close(): Promise<void> {
    try {
      if (this.exit) return;
      this.child.stdin.end();
      if (await this.exitedWithin(GRACE_MS.stdin)) return;
      this.signalGroup('SIGTERM');
      if (await this.exitedWithin(GRACE_MS.term)) return;
      this.signalGroup('SIGKILL');
      await this.exitedWithin(GRACE_MS.kill);
    } finally {
      // Members of the group that ignored the polite end go too, after the leader.
      this.signalGroup('SIGKILL');
    }
  }

  private signalGroup(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      if (process.platform === 'win32') this.child.kill(sig);
      else process.kill(-pid, sig);
    } catch {
      // The group is already gone.
    }
  }

  private exitedWithin(ms: number): Promise<boolean> {
    if (this.exit) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.exited.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private write(line: string): void {
    if (this.exit || this.child.stdin.destroyed) throw this.exitFailure();
    this.child.stdin.write(`${line}\n`);
  }

  /** How the child ended, as a probe failure that quotes its last stderr line. */
  exitFailure(): ProbeFailure {
    const how = this.exit
      ? this.exit.signal
        ? `was killed by ${this.exit.signal}`
        : `exited with code ${this.exit.code}`
      : 'closed its pipes';
    const last = this.stderr.at(-1);
    return new ProbeFailure(
      'process_exited',
      `The server process ${how}${last ? `; stderr: ${snippet(last)}` : ''}`,
    );
  }

  private readStdout(): void {
    let buffer = '';
    const decoder = new TextDecoder();
    const tooLarge = () => {
      buffer = '';
      this.pending.fail(
        new ProbeFailure('response_too_large', `A stdout line passed the ${this.maxBytes}-byte limit`),
      );
      this.signalGroup('SIGKILL');
    };
    this.child.stdout.on('data', (chunk: Buffer) => {
      buffer += decoder.decode(chunk, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        // A line that arrives whole within one read is held to the limit too, not only one still growing.
        if (newline > this.maxBytes) return tooLarge();
        this.line(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
      if (buffer.length > this.maxBytes) tooLarge();
    });
  }

  private line(raw: string): void {
    const text = raw.trim();
    if (text === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.noisy(text);
      return;
    }
    const message = classifyMessage(parsed);
    if (message.kind === 'reply') this.pending.settle(message.reply);
    else if (message.kind === 'request') {
      // A probe offers no client features; refusing lets a server that asks (roots, sampling) go on.
      this.write(encodeRefusal(message.id));
    } else if (message.kind === 'invalid') this.noisy(text);
  }

  private noisy(text: string): void {
    this.noise.lines++;
    this.noise.first ??= snippet(text, 80);
  }

  private readStderr(): void {
    let partial = '';
    this.child.stderr.on('data', (chunk: Buffer) => {
      // Only the tail matters; a flood is read and dropped so the child never blocks on a full pipe.
      const text = partial + chunk.toString('utf8', 0, Math.min(chunk.length, 65_536));
      const lines = text.split('\n');
      partial = (lines.pop() ?? '').slice(0, STDERR_LINE_BYTES);
      for (const line of lines) {
        if (line.trim() === '') continue;
        this.stderr.push(line.slice(0, STDERR_LINE_BYTES));
        if (this.stderr.length > STDERR_LINES) this.stderr.shift();
      }
    });
  }
}

/** The handshake over stdio, where a legacy server may ignore server/discover: wait at most half of what is left. */
export function stdioHandshake(session: Session, options: McpOptions, ctx: ProbeContext): Promise<Era> {
  return session.handshake(() =>
    AbortSignal.timeout(Math.max(1000, Math.floor((options.timeoutMs - ctx.elapsed()) / 2))),
  );
}

/**
 * Runs a check's steps over a stdio child and names what the child did wrong: a timeout after lines on
 * stdout that are not JSON-RPC is that noise, not a slow server, and noise beside correct answers
 * degrades the check. A failure keeps the stderr tail.
 */
export async function overStdio(
  channel: StdioChannel,
  ctx: ProbeContext,
  info: McpInfo,
  steps: () => Promise<void>,
): Promise<void> {
  try {
    await steps();
  } catch (error) {
    if (channel.stderr.length) info.stderr = channel.stderr.slice(-20);
    if (error instanceof ProbeFailure && error.reason === 'timeout' && channel.noise.lines > 0) {
      throw new ProbeFailure(
        'invalid_json',
        `The server wrote ${channel.noise.lines} line(s) to stdout that are not JSON-RPC (first: ${channel.noise.first}) and no answer`,
        error.phase,
      );
    }
    throw error;
  }
  if (channel.noise.lines > 0) {
    ctx.check(
      'stdout_clean',
      false,
      `${channel.noise.lines} stdout line(s) are not JSON-RPC (first: ${channel.noise.first})`,
      'invalid_json',
    );
  }
}
