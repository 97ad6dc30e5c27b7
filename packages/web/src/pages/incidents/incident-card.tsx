import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../api/client.ts';
import type { Incident, StoredEvent } from '../../api/types.ts';
import { formatTime, relativeTime } from '../../lib/format.ts';
import { timeline } from '../../lib/timeline.ts';
import { Link } from '../../router.tsx';
import { IncidentUpdates } from './incident-updates.tsx';

interface Props {
  incident: Incident;
  monitorName: string;
  editable: boolean;
  onChange: (incident: Incident) => void;
}

function duration(ms: number): string {
  return relativeTime(0, ms).replace(' ago', '');
}

/** One incident: what, since when, who is on it, its note, and the events while it was open. */
export function IncidentCard({ incident, monitorName, editable, onChange }: Props) {
  const [note, setNote] = useState(incident.note ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [events, setEvents] = useState<StoredEvent[]>();
  const state = incident.resolvedAt === null ? 'open' : 'resolved';
  useEffect(() => setNote(incident.note ?? ''), [incident.note]);

  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const answer = await api<{ incident: Incident }>(`/incidents/${incident.id}/${path}`, {
        method: 'POST',
        body,
      });
      onChange(answer.incident);
      if (path === 'note') setSaved(true);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const loadTimeline = (event: Event) => {
    if ((event.currentTarget as HTMLDetailsElement).open && !events) {
      api<{ timeline: StoredEvent[] }>(`/incidents/${incident.id}`).then(
        (a) => setEvents(a.timeline),
        (e) => setError(errorText(e)),
      );
    }
  };
  const now = Date.now();

  return (
    <li
      class={`card incident incident-${state}`}
      data-testid="incident"
      data-id={incident.id}
      data-state={state}
    >
      <div class="incident-head">
        <div>
          <strong>
            <Link href={`/monitors/${incident.monitorId}`}>{monitorName}</Link>
          </strong>{' '}
          <span class="muted">#{incident.id}</span>
          <p class="small">
            {state === 'open' ? 'Open' : 'Resolved'} · opened{' '}
            <time title={formatTime(incident.openedAt)}>{relativeTime(incident.openedAt, now)}</time>
            {incident.resolvedAt !== null && ` · lasted ${duration(incident.resolvedAt - incident.openedAt)}`}
            {incident.cause && ` · cause: ${incident.cause}`}
          </p>
          {incident.acknowledgedBy && (
            <p class="small" data-testid="acknowledged">
              Acknowledged by {incident.acknowledgedBy}
              {incident.acknowledgedAt && ` ${relativeTime(incident.acknowledgedAt, now)}`}
            </p>
          )}
        </div>
        {editable && state === 'open' && (
          <div class="actions">
            {!incident.acknowledgedBy && (
              <button
                type="button"
                data-testid="acknowledge"
                disabled={busy}
                onClick={() => act('acknowledge')}
              >
                Acknowledge
              </button>
            )}
            <button type="button" data-testid="resolve" disabled={busy} onClick={() => act('resolve')}>
              Resolve
            </button>
          </div>
        )}
      </div>
      {editable ? (
        <form
          class="note-form"
          onSubmit={(e) => {
            e.preventDefault();
            act('note', { note });
          }}
        >
          <label class="sr-only" for={`note-${incident.id}`}>
            Note
          </label>
          <textarea
            id={`note-${incident.id}`}
            data-testid="note"
            placeholder="What was found, what was done"
            maxLength={10_000}
            value={note}
            onInput={(e) => {
              setNote((e.currentTarget as HTMLTextAreaElement).value);
              setSaved(false);
            }}
          />
          <button type="submit" data-testid="save-note" disabled={busy || note === (incident.note ?? '')}>
            Save note
          </button>
          {saved && (
            <span class="muted small" role="status">
              Saved
            </span>
          )}
        </form>
      ) : (
        incident.note && <p class="pre-line">{incident.note}</p>
      )}
      {error && (
        <p class="error-box" role="alert">
          {error}
        </p>
      )}
      <IncidentUpdates incident={incident} editable={editable} onChange={onChange} />
      <details onToggle={loadTimeline}>
        <summary>Timeline</summary>
        {!events && <p class="muted small">Loading…</p>}
        <ol class="timeline">
          {events &&
            timeline(events, []).map((item) => (
              <li key={item.key} class={`tl tl-${item.tone}`} data-kind={item.kind}>
                <time title={formatTime(item.at)}>{formatTime(item.at).slice(5)}</time>
                <span class="tl-title">{item.title}</span>
                {item.detail && <span class="muted tl-detail">{item.detail}</span>}
              </li>
            ))}
        </ol>
      </details>
    </li>
  );
}
