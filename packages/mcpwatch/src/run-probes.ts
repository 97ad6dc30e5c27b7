import { displayUrl, PROBES, type ProbeFn, type ProbeResult, type Reason } from '@mcpwatch/probe';
import type { ProbeJob } from './probe-plan.js';
import { UsageError } from './usage-error.js';

/**
 * Runs the jobs at most `concurrency` at a time and returns their results in job order.
 *
 * The probe library turns whatever a server does into a result, and throws a TypeError only for input
 * no server could satisfy (an option combination, a malformed target). The plan checks for those first;
 * one that slips through is still the user's mistake and becomes a usage error, once the probes already
 * running have finished (stopping them early can leave a stdio child behind). Anything else thrown is a
 * bug: that job is reported down with the error, so one bad probe cannot lose the others' results.
 * After Ctrl-C no further job starts (a probe given an aborted signal would still start a stdio server):
 * each is reported cancelled.
 */
export async function runJobs(
  jobs: readonly ProbeJob[],
  concurrency: number,
  signal: AbortSignal,
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = new Array(jobs.length);
  let mistake: UsageError | undefined;
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !mistake) {
      const index = next++;
      const job = jobs[index] as ProbeJob;
      if (signal.aborted) {
        results[index] = unprobed(job, 'cancelled', 'Not started: interrupted before its turn');
        continue;
      }
      try {
        results[index] = await runJob(job, signal);
      } catch (error) {
        if (error instanceof TypeError) {
          mistake ??= new UsageError(`${job.name ? `Server "${job.name}": ` : ''}${error.message}`);
        } else {
          const text = error instanceof Error ? error.message : String(error);
          results[index] = unprobed(
            job,
            'invalid_response',
            `The probe itself failed (${text}): this is a bug in mcpwatch, please report it`,
          );
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, worker));
  if (mistake) throw mistake;
  return results;
}

/** Dispatches through the probe registry, so a job runs exactly as a monitor of its kind would. */
function runJob(job: ProbeJob, signal: AbortSignal): Promise<ProbeResult> {
  const probe = PROBES[job.kind].probe as ProbeFn<ProbeJob['target']>;
  return probe(job.target, job.options, signal);
}

/** A result for a job whose probe did not run to its own verdict. */
function unprobed(job: ProbeJob, reason: Reason, message: string): ProbeResult {
  // As the probe itself would report it: a password in a URL is never printed.
  const target =
    typeof job.target === 'string'
      ? URL.canParse(job.target)
        ? displayUrl(new URL(job.target))
        : job.target
      : [job.target.command, ...(job.target.args ?? [])].join(' ');
  return {
    kind: job.kind,
    target,
    status: 'down',
    reason,
    message,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    timings: {},
    checks: [],
  };
}
