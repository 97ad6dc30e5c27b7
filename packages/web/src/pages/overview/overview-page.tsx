import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { MonitorStatus } from '../../api/types.ts';
import {
  allTags,
  countByStatus,
  type ListItem,
  listItems,
  type OverviewFilter,
  STATUSES,
} from '../../lib/overview-model.ts';
import { virtualWindow } from '../../lib/virtual-window.ts';
import { setQuery } from '../../router.tsx';
import type { PageProps } from '../registry.ts';
import { MonitorRow } from './monitor-row.tsx';
import { useRowSummaries } from './row-summaries.ts';
import { useMonitors } from './use-monitors.ts';

/** Every row is this tall (two lines on a phone), so the list can be cut to the part on screen. */
const ROW_HEIGHT = 64;

function filterOf(query: URLSearchParams): OverviewFilter {
  const status = query.get('state') ?? '';
  return {
    q: query.get('q') ?? '',
    status: (STATUSES as string[]).includes(status) ? (status as MonitorStatus) : '',
    tag: query.get('tag') ?? '',
    grouped: query.get('group') === '1',
  };
}

function update(query: URLSearchParams, name: string, value: string): void {
  const next = new URLSearchParams(query);
  if (value) next.set(name, value);
  else next.delete(name);
  setQuery(next);
}

/** Where the viewport is, measured from the list's top: re-read on scroll and resize, once a frame. */
/** A toolbar filter: one of `options`, or the first choice, `every`, for no filter. */
function FilterSelect({
  label,
  testId,
  value,
  every,
  options,
  onChange,
}: {
  label: string;
  testId: string;
  value: string;
  every: string;
  options: readonly string[];
  onChange: (value: string) => void;
}) {
  return (
    <select
      aria-label={label}
      data-testid={testId}
      value={value}
      onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
    >
      <option value="">{every}</option>
      {options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
}

function useViewport(list: { current: HTMLElement | null }): { top: number; height: number } {
  const [view, setView] = useState({
    top: 0,
    height: typeof window === 'undefined' ? 800 : window.innerHeight,
  });
  useEffect(() => {
    let frame = 0;
    const read = () => {
      frame = 0;
      const el = list.current;
      if (!el) return;
      const top = -el.getBoundingClientRect().top;
      setView((v) =>
        v.top === top && v.height === window.innerHeight ? v : { top, height: window.innerHeight },
      );
    };
    const schedule = () => {
      frame ||= requestAnimationFrame(read);
    };
    read();
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    return () => {
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
      cancelAnimationFrame(frame);
    };
  }, [list]);
  return view;
}

export function OverviewPage({ query }: PageProps) {
  const { monitors, error } = useMonitors();
  const filter = filterOf(query);
  const items = useMemo(
    () => (monitors ? listItems(monitors, filter) : []),
    [monitors, filter.q, filter.status, filter.tag, filter.grouped],
  );
  const counts = useMemo(() => countByStatus(monitors ?? []), [monitors]);
  const tags = useMemo(() => allTags(monitors ?? []), [monitors]);
  const listRef = useRef<HTMLUListElement>(null);
  const view = useViewport(listRef);
  const win = virtualWindow(items.length, ROW_HEIGHT, view.top, view.height);
  const visible = items.slice(win.start, win.end);
  const visibleIds = visible.flatMap((item) => (item.type === 'monitor' ? [item.monitor.id] : []));
  const summaries = useRowSummaries(visibleIds);
  const now = Date.now();

  useEffect(() => {
    if (monitors) document.body.dataset.ready = 'overview';
  }, [monitors !== undefined]);
  useEffect(
    () => () => {
      delete document.body.dataset.ready;
    },
    [],
  );

  return (
    <section class="page overview">
      <div class="overview-head">
        <h1>Overview</h1>
        <fieldset class="counts">
          <legend class="sr-only">Monitors by state</legend>
          {STATUSES.map((status) => (
            <button
              key={status}
              type="button"
              class="count"
              data-status={status}
              data-testid={`count-${status}`}
              aria-pressed={filter.status === status}
              onClick={() => update(query, 'state', filter.status === status ? '' : status)}
            >
              <span class="count-n">{counts[status]}</span> {status}
            </button>
          ))}
        </fieldset>
      </div>
      <div class="toolbar">
        <input
          type="search"
          placeholder="Search name, target, group, tag"
          aria-label="Search monitors"
          data-testid="search"
          value={filter.q}
          onInput={(e) => update(query, 'q', (e.currentTarget as HTMLInputElement).value)}
        />
        <FilterSelect
          label="State"
          testId="state-filter"
          value={filter.status}
          every="Every state"
          options={STATUSES}
          onChange={(value) => update(query, 'state', value)}
        />
        <FilterSelect
          label="Tag"
          testId="tag-filter"
          value={filter.tag}
          every="Every tag"
          options={tags}
          onChange={(value) => update(query, 'tag', value)}
        />
        <label class="check">
          <input
            type="checkbox"
            data-testid="group-toggle"
            checked={filter.grouped}
            onChange={(e) => update(query, 'group', (e.currentTarget as HTMLInputElement).checked ? '1' : '')}
          />
          Group
        </label>
        <span class="muted" aria-live="polite" data-testid="shown-count">
          {monitors ? `${items.filter((i) => i.type === 'monitor').length} of ${monitors.length} shown` : ''}
        </span>
      </div>
      {error && (
        <p class="error-box" role="alert">
          {error}
        </p>
      )}
      {!monitors && !error && <p class="muted">Loading monitors…</p>}
      {monitors?.length === 0 && (
        <p class="muted">
          No monitors yet: add one with “New monitor”, import an mcp.json, or list them in mcpwatch.yaml.
        </p>
      )}
      <ul
        class="monitor-list"
        aria-label="Monitors"
        data-testid="monitor-list"
        ref={listRef}
        style={`height:${win.height}px`}
      >
        {visible.map((item, i) => (
          <Item
            key={item.type === 'group' ? `g:${item.name}` : item.monitor.id}
            item={item}
            top={(win.start + i) * ROW_HEIGHT}
            summaries={summaries}
            now={now}
          />
        ))}
      </ul>
    </section>
  );
}

function Item({
  item,
  top,
  summaries,
  now,
}: {
  item: ListItem;
  top: number;
  summaries: ReturnType<typeof useRowSummaries>;
  now: number;
}) {
  if (item.type === 'group') {
    return (
      <li class="row group-row" style={`transform:translateY(${top}px)`}>
        <h2>{item.name}</h2>
        <span class="muted">{item.count}</span>
      </li>
    );
  }
  return (
    <MonitorRow
      monitor={item.monitor}
      summary={summaries.rows.get(item.monitor.id)}
      days={summaries.days}
      now={now}
      top={top}
    />
  );
}
