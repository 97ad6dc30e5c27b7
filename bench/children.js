// What the service and alert benches share about their child processes: start one (killed however the run
// ends), bound a wait on it, and read a percentile off the samples it reported.
import { rmSync } from 'node:fs';
import { spawnChild } from './ipc.js';

/** Every child this run started, killed on any way out. */
const children = new Set();
export function killAll() {
  for (const c of children) {
    try {
      c.child.kill('SIGKILL');
    } catch {}
  }
  children.clear();
}
process.on('exit', killAll);

export function start(file, args, execArgv = []) {
  const c = spawnChild(file, args, execArgv);
  children.add(c);
  c.child.once('exit', () => children.delete(c));
  return c;
}

/** Resolves with `promise`, or rejects naming `what` after `ms`. */
export async function within(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([
      promise,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The q-quantile of ascending samples; NaN when there are none. */
export function percentile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** SIGTERM, as `mcpwatch serve` is stopped; resolves when the process has ended, within 30 s. */
export async function terminate(service) {
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  service.child.kill('SIGTERM');
  await within(exited, 30_000, 'stopping the service');
}

/**
 * Runs `work`, then kills every child and removes `dir`, also when the run is interrupted (Ctrl-C, SIGTERM):
 * a bench never leaves processes or temporary databases behind.
 */
export async function withCleanup(dir, work) {
  const onSignal = () => {
    killAll();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}
