import { useState } from 'preact/hooks';
import { api, errorText } from '../../api/client.ts';
import type { Incident } from '../../api/types.ts';
import { formatTime } from '../../lib/format.ts';

const STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
type UpdateStatus = (typeof STATUSES)[number];

interface IncidentUpdate {
  id: number;
  at: number;
  status: UpdateStatus;
  message: string;
  public: boolean;
  author: string | null;
}

interface Props {
  incident: Incident;
  editable: boolean;
  /** A "resolved" update resolves the incident: the card shows it at once. */
  onChange: (incident: Incident) => void;
}

/**
 * What people say about an incident while it runs. Public updates appear on the status pages that show its
 * monitor, and in their feeds; the others stay here. Loaded when opened, like the timeline.
 */
export function IncidentUpdates({ incident, editable, onChange }: Props) {
  const [updates, setUpdates] = useState<IncidentUpdate[]>();
  const [status, setStatus] = useState<UpdateStatus>('investigating');
  const [message, setMessage] = useState('');
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const load = (event: Event) => {
    if ((event.currentTarget as HTMLDetailsElement).open && !updates) {
      api<{ updates: IncidentUpdate[] }>(`/incidents/${incident.id}/updates`).then(
        (a) => setUpdates(a.updates),
        (e) => setError(errorText(e)),
      );
    }
  };
  const post = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<{ update: IncidentUpdate; incident: Incident }>(
        `/incidents/${incident.id}/updates`,
        { method: 'POST', body: { status, message, public: shown } },
      );
      setUpdates([...(updates ?? []), answer.update]);
      setMessage('');
      onChange(answer.incident);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <details onToggle={load} data-testid="incident-updates">
      <summary>Updates{updates ? ` (${updates.length})` : ''}</summary>
      {!updates && !error && <p class="muted small">Loading…</p>}
      {updates && updates.length === 0 && <p class="muted small">No update yet.</p>}
      <ol class="timeline">
        {updates?.map((u) => (
          <li key={u.id} class="tl" data-testid="incident-update" data-public={String(u.public)}>
            <time title={formatTime(u.at)}>{formatTime(u.at).slice(5)}</time>
            <span class="tl-title">
              {u.status}
              {u.public ? ' · public' : ' · internal'}
            </span>
            <span class="tl-detail pre-line">
              {u.message}
              {u.author && <span class="muted"> — {u.author}</span>}
            </span>
          </li>
        ))}
      </ol>
      {editable && (
        <form class="note-form" onSubmit={post}>
          <label for={`update-status-${incident.id}`}>Status</label>
          <select
            id={`update-status-${incident.id}`}
            name="status"
            value={status}
            onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as UpdateStatus)}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <label class="sr-only" for={`update-message-${incident.id}`}>
            Message
          </label>
          <textarea
            id={`update-message-${incident.id}`}
            name="message"
            placeholder="What people should know"
            required
            maxLength={5000}
            value={message}
            onInput={(e) => setMessage((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <label>
            <input
              type="checkbox"
              name="public"
              checked={shown}
              onChange={(e) => setShown((e.currentTarget as HTMLInputElement).checked)}
            />{' '}
            Public: on the status pages that show this monitor
          </label>
          <button type="submit" disabled={busy || message.trim() === ''}>
            Post update
          </button>
        </form>
      )}
      {error && (
        <p class="error-box" role="alert">
          {error}
        </p>
      )}
    </details>
  );
}
