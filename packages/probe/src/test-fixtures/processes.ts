import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A stdio fixture script run by this very Node binary. */
export function fixture(name: string, ...args: string[]): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: [fileURLToPath(new URL(`./stdio/${name}`, import.meta.url)), ...args],
  };
}

/**
 * Whether a process still runs. `kill(pid, 0)` failing with ESRCH is the proof it is gone. An orphaned
 * grandchild that was killed can linger as a zombie when PID 1 does not reap (as in some containers):
 * it runs no code and holds nothing but its pid, so on Linux a Z state counts as gone too.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** Resolves once `pid` has stopped running; throws if it is still running after `boundMs`. */
export async function stopped(pid: number, boundMs = 5000): Promise<void> {
  const until = Date.now() + boundMs;
  while (isRunning(pid)) {
    if (Date.now() > until) throw new Error(`process ${pid} is still running`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
