/**
 * `mcpwatch serve` as a real child process, for tests that kill it, restart it and break its
 * surroundings: start it, learn its URL from its log, talk to its API, and end it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const bin = fileURLToPath(new URL('../../packages/mcpwatch/bin/mcpwatch.js', import.meta.url));
const built = fileURLToPath(new URL('../../packages/mcpwatch/dist/cli.js', import.meta.url));

export const ADMIN_PASSWORD = 'fault-test-password';

/** Bounds every wait in these tests: long enough for a loaded 2-core machine, short enough to fail. */
export const WAIT_MS = 30_000;

export function assertBuilt(): void {
  if (!existsSync(built)) throw new Error('The CLI is not built: run `npm run build` before these tests');
}

/** The runner's own mcpwatch settings must not reach the child; only what a test passes does. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('MCPWATCH_') && key !== 'LOG_LEVEL' && key !== 'FORCE_COLOR') env[key] = value;
  }
  return { ...env, MCPWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD, ...extra };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ServeProcess {
  readonly exited: Promise<Exit>;
  private text = '';

  constructor(
    readonly child: ChildProcess,
    readonly args: readonly string[],
  ) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.text += chunk;
    });
    child.stdout?.resume();
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  get stderr(): string {
    return this.text;
  }

  /** pino's JSON lines; other lines (the CLI's own `mcpwatch: …` messages) are left out. */
  get logs(): Array<Record<string, unknown> & { msg?: string }> {
    return this.text.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the URL the service logged once it listens; rejects if it exits first. */
  async url(): Promise<string> {
    const found = await waitFor(`"mcpwatch is serving on" from mcpwatch ${this.args.join(' ')}`, () => {
      if (!this.running) throw new Error(`mcpwatch exited before serving:\n${this.stderr}`);
      for (const entry of this.logs) {
        const match = /^mcpwatch is serving on (\S+)/.exec(entry.msg ?? '');
        if (match) return match[1];
      }
      return undefined;
    });
    return found;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }

  /** The exit, or a failure naming the command when it does not come within the bound. */
  async exit(timeoutMs = WAIT_MS): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`mcpwatch ${this.args.join(' ')} did not exit:\n${this.stderr}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const live = new Set<ServeProcess>();

/** Starts `mcpwatch serve` on a free loopback port with the given flags. */
export function serve(flags: string[], env: Record<string, string> = {}, cwd?: string): ServeProcess {
  const args = ['serve', '--port', '0', '--host', '127.0.0.1', ...flags];
  const child = spawn(process.execPath, [bin, ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd !== undefined ? { cwd } : {}),
  });
  const process_ = new ServeProcess(child, args);
  live.add(process_);
  void process_.exited.then(() => live.delete(process_));
  return process_;
}

/** For afterEach: no child outlives its test, whatever the test did. */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill('SIGKILL')));
}

/**
 * Polls `probe` until it returns something other than undefined or false; fails after `timeoutMs`,
 * naming what was awaited and the last error the probe threw.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      // An exited child will not come back: say so at once rather than at the deadline.
      if (error instanceof Error && error.message.startsWith('mcpwatch exited')) throw error;
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Gave up waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A signed-in client of the REST API. */
export class Api {
  private constructor(
    readonly url: string,
    private readonly cookie: string,
  ) {}

  static async login(url: string): Promise<Api> {
    const response = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', password: ADMIN_PASSWORD }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`login: HTTP ${response.status} ${await response.text()}`);
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] ?? '')
      .find((c) => c.startsWith('mcpwatch_session='));
    if (!cookie) throw new Error('login set no mcpwatch_session cookie');
    return new Api(url, cookie);
  }

  get<T = Record<string, unknown>>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { cookie: this.cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }
}

/**
 * A loopback HTTP server a monitor checks: it answers 200 or 500 as told, and can hold requests
 * unanswered so that a test acts while a check is in flight.
 */
export class FlipServer {
  status = 500;
  private holding = false;
  private held: http.ServerResponse[] = [];
  private waiters: Array<() => void> = [];

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FlipServer> {
    let flip: FlipServer | undefined;
    const server = http.createServer((_request, response) => flip?.answer(response));
    flip = new FlipServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return flip;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Resolves when the next request arrives, which is then held until `release`. */
  holdNext(): Promise<void> {
    this.holding = true;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    this.holding = false;
    for (const response of this.held.splice(0)) this.reply(response);
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(response: http.ServerResponse): void {
    if (this.holding) {
      this.held.push(response);
      for (const wake of this.waiters.splice(0)) wake();
      return;
    }
    this.reply(response);
  }

  private reply(response: http.ServerResponse): void {
    if (response.destroyed) return;
    response.writeHead(this.status, { 'content-type': 'text/plain' }).end(`status ${this.status}\n`);
  }
}

/** A loopback port nothing listens on: connecting to it is refused. */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
