import { useState } from 'preact/hooks';
import { errorText } from '../../api/client.ts';
import { formatTime, relativeTime } from '../../lib/format.ts';
import type { TimelineItem } from '../../lib/timeline.ts';

/** Events and incidents, newest first. */
export function TimelineView({
  items,
  now,
  loadOlder,
  mayHaveMore,
}: {
  items: TimelineItem[];
  now: number;
  loadOlder: () => Promise<boolean>;
  mayHaveMore: boolean;
}) {
  const [more, setMore] = useState(mayHaveMore);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const older = async () => {
    setBusy(true);
    try {
      setMore(await loadOlder());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Events and incidents</h2>
      {items.length === 0 && <p class="muted">Nothing has happened yet.</p>}
      <ol class="timeline" data-testid="timeline">
        {items.map((item) => (
          <li key={item.key} class={`tl tl-${item.tone}`} data-testid="timeline-item" data-kind={item.kind}>
            <time dateTime={new Date(item.at).toISOString()} title={formatTime(item.at)}>
              {relativeTime(item.at, now)}
            </time>
            <span class="tl-title">{item.title}</span>
            {item.detail && <span class="muted tl-detail">{item.detail}</span>}
          </li>
        ))}
      </ol>
      {error && <p class="error-box">{error}</p>}
      {more && (
        <button type="button" data-testid="timeline-older" disabled={busy} onClick={older}>
          {busy ? 'Loading…' : 'Older events'}
        </button>
      )}
    </section>
  );
}
