/**
 * Debian's real Prometheus and promtool for the tests that check what they make of mcpwatch's output (its
 * /metrics, the exporter's /probe, the shipped rules and dashboard): a Prometheus started on a config of the
 * test's own, its instant queries, promtool, and one way to skip or fail when they are not installed.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { freePort } from './free-port.js';

// The real Prometheus and promtool, as Debian's prometheus package installs them (.ci/run installs it).
export const PROMETHEUS = process.env.MCPWATCH_TEST_PROMETHEUS ?? '/usr/bin/prometheus';
export const PROMTOOL = process.env.MCPWATCH_TEST_PROMTOOL ?? '/usr/bin/promtool';

/** Whether Debian's Prometheus and promtool are here; tests that need them skip on a laptop without them, and fail under CI. */
export const HAS_PROMETHEUS = existsSync(PROMETHEUS) && existsSync(PROMTOOL);
export const PROMETHEUS_MISSING = `${PROMETHEUS} or ${PROMTOOL} is missing (apt-get install -y prometheus)`;

/** One series of an instant vector, as /api/v1/query answers it. */
export interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

/**
 * `describe(name, body)` where Prometheus and promtool are installed. Without them, CI gets a failing test
 * (so a runner that lost the package cannot pass by skipping), and anywhere else the suite is skipped with
 * its reason printed.
 */
export function describeWithPrometheus(name: string, body: () => void): void {
  if (HAS_PROMETHEUS) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Prometheus and promtool under CI', () => {
        throw new Error(`${PROMETHEUS_MISSING}; CI must run this test.`);
      });
    });
  } else {
    console.log(`Skipping "${name}": ${PROMETHEUS_MISSING}.`);
    describe.skip(`${name} (not installed)`, body);
  }
}

/** A running Prometheus. `query` is an instant query: [] until it listens, an error with its output once it exited. */
export interface RunningPrometheus {
  url: string;
  child: ChildProcess;
  query(expr: string): Promise<Series[]>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Prometheus on `config` (the lines of a prometheus.yml, written to `dir`), its TSDB in `dir`, listening on a
 * free loopback port; everything it prints is kept for the error when it dies.
 */
export async function startPrometheus(dir: string, config: string[]): Promise<RunningPrometheus> {
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, config.join('\n'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    url,
    child,
    output: () => output,
    query: async (expr) => {
      if (exited()) throw new Error(`Prometheus exited:\n${output}`);
      try {
        const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
        if (!res.ok) return [];
        return ((await res.json()) as { data: { result: Series[] } }).data.result;
      } catch {
        return []; // not listening yet
      }
    },
    stop: async () => {
      if (exited()) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** Runs `command` to its end, `stdin` written to it; its exit code (1 if it failed without one) and stdout + stderr. */
export function runTool(
  command: string,
  args: string[],
  options: { stdin?: string; cwd?: string } = {},
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { cwd: options.cwd }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr }),
    );
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  });
}

/** promtool with `args`, like promtool(['check', 'metrics'], exposition) to lint what a scrape returns. */
export const promtool = (args: string[], stdin?: string) =>
  runTool(PROMTOOL, args, stdin === undefined ? {} : { stdin });
