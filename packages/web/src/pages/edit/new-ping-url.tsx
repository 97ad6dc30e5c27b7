import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import { useBusyAction } from '../../components/use-busy-action.ts';
import { SecretOnce } from './secret-once.tsx';

/**
 * A heartbeat monitor's ping URL is shown once, at creation; a lost or leaked one is replaced here
 * (optionally revoking the others, so a leaked URL stops working).
 */
export function NewPingUrl({ id }: { id: string }) {
  const [path, setPath] = useState<string>();
  const { busy, error, run } = useBusyAction();
  const issue = async (revokeOthers: boolean) => {
    if (revokeOthers && !window.confirm('Revoke every earlier ping URL? Pings sent to them will get 404.'))
      return;
    await run(async () => {
      const answer = await api<{ path: string }>(`/monitors/${id}/heartbeat-tokens`, {
        method: 'POST',
        body: { revokeOthers },
      });
      setPath(answer.path);
    });
  };
  return (
    <section class="card check-now" aria-labelledby="ping-url-title">
      <h2 id="ping-url-title">Ping URL</h2>
      <div class="form-actions">
        <button type="button" disabled={busy} onClick={() => issue(false)} data-testid="new-ping-url">
          New ping URL
        </button>
        <button type="button" disabled={busy} onClick={() => issue(true)}>
          New ping URL, revoking the others
        </button>
      </div>
      <div aria-live="polite">
        {error && <p class="error-box">{error}</p>}
        {path && (
          <SecretOnce label="Ping URL:" value={`${window.location.origin}${path}`} testId="heartbeat-token" />
        )}
      </div>
    </section>
  );
}
