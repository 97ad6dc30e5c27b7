import type { Status } from '@mcpwatch/probe';

/** The CLI's exit codes, documented in docs/cli.md: scripts and Kubernetes exec probes read these. */
export const EXIT = {
  up: 0,
  degraded: 1,
  down: 2,
  usage: 3,
  /** Stopped by Ctrl-C or SIGTERM: the shell convention, 128 + the signal number of SIGINT. */
  interrupted: 130,
} as const;

/** The exit code for a set of results: the worst status wins, so one down server fails the run. */
export function exitCodeFor(statuses: readonly Status[]): number {
  let code: number = EXIT.up;
  for (const status of statuses) code = Math.max(code, EXIT[status]);
  return code;
}
