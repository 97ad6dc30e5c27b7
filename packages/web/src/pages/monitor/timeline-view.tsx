import { formatTime, relativeTime } from '../../lib/format.ts';
import type { TimelineItem } from '../../lib/timeline.ts';

/** Events and incidents, newest first. */
export function TimelineView({ items, now }: { items: TimelineItem[]; now: number }) {
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
    </section>
  );
}
