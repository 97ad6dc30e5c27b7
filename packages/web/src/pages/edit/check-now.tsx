import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import { useBusyAction } from '../../components/use-busy-action.ts';
import { formatMs } from '../../lib/format.ts';

interface ProbeResult {
  status: 'up' | 'degraded' | 'down';
  reason?: string | null;
  message?: string;
  phase?: string;
  durationMs: number;
  timings?: Record<string, number>;
}

/** "Check now": runs the probe on the service and shows what it found, phase by phase. */
export function CheckNow({ id }: { id: string }) {
  const [result, setResult] = useState<ProbeResult>();
  const { busy, error, run: runAction } = useBusyAction();
  const run = () =>
    runAction(async () => {
      const answer = await api<{ result: ProbeResult }>(`/monitors/${id}/check`, { method: 'POST' });
      setResult(answer.result);
    });
  return (
    <section class="card check-now" aria-labelledby="check-now-title">
      <h2 id="check-now-title">Check now</h2>
      <button type="button" data-testid="check-now" onClick={run} disabled={busy}>
        {busy ? 'Checking…' : 'Check now'}
      </button>
      <div aria-live="polite" data-testid="check-result">
        {error && <p class="error-box">{error}</p>}
        {result && !busy && (
          <div>
            <p>
              <span class="status" data-status={result.status}>
                {result.status}
              </span>{' '}
              in {formatMs(result.durationMs)}
              {result.reason ? (
                <>
                  {' '}
                  · <code>{result.reason}</code>
                  {result.phase ? ` (${result.phase})` : ''}
                </>
              ) : null}
            </p>
            {result.message && <p>{result.message}</p>}
            {result.timings && Object.keys(result.timings).length > 0 && (
              <dl class="timings">
                {Object.entries(result.timings).map(([phase, ms]) => (
                  <>
                    <dt key={`${phase}-t`}>{phase}</dt>
                    <dd key={`${phase}-d`}>{formatMs(ms)}</dd>
                  </>
                ))}
              </dl>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
