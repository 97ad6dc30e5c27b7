import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../api/client.ts';
import type { StoredResult } from '../../api/types.ts';
import { formatMs, formatTime } from '../../lib/format.ts';

interface Traffic {
  requests: number;
  errors: number;
  tools: {
    name: string;
    calls: number;
    errors: number;
    durationMsMean: number | null;
    durationMsMax: number;
  }[];
  reports: unknown[];
}

/** A heartbeat monitor's recent pings, and the real traffic `mcpwatch wrap --report` sent. */
export function HeartbeatView({ monitorId, refreshKey }: { monitorId: number; refreshKey: number }) {
  const [pings, setPings] = useState<StoredResult[]>();
  const [traffic, setTraffic] = useState<Traffic>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    Promise.all([
      api<{ results: StoredResult[] }>(`/monitors/${monitorId}/results?limit=20`),
      api<Traffic>(`/monitors/${monitorId}/traffic`),
    ]).then(
      ([r, t]) => {
        setPings(r.results);
        setTraffic(t);
      },
      (e) => setError(errorText(e)),
    );
  }, [monitorId, refreshKey]);
  const tools = traffic?.tools ?? [];
  return (
    <section class="card" aria-labelledby="pings-title" data-testid="heartbeats">
      <h2 id="pings-title">Recent pings</h2>
      {error && <p class="error-box">{error}</p>}
      {pings?.length === 0 && <p class="muted">No ping yet.</p>}
      <ul class="plain">
        {pings?.map((p) => (
          <li key={p.id} data-testid="ping">
            <span class="status" data-status={p.status}>
              {p.status}
            </span>{' '}
            {formatTime(p.at)} <span class="muted">{p.message}</span>
          </li>
        ))}
      </ul>
      {traffic && traffic.reports.length > 0 && (
        <div data-testid="traffic">
          <h3>Real traffic, last 24 hours</h3>
          <p>
            {traffic.requests} requests, {traffic.errors} errors
          </p>
          <table class="table">
            <thead>
              <tr>
                <th>Tool</th>
                <th>Calls</th>
                <th>Errors</th>
                <th>Mean</th>
                <th>Worst</th>
              </tr>
            </thead>
            <tbody>
              {tools.map((t) => (
                <tr key={t.name}>
                  <td>
                    <code>{t.name}</code>
                  </td>
                  <td>{t.calls}</td>
                  <td>{t.errors}</td>
                  <td>{formatMs(t.durationMsMean)}</td>
                  <td>{formatMs(t.durationMsMax)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
