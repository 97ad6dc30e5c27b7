import type { Monitor, RowSummary } from '../../api/types.ts';
import { Sparkline } from '../../components/sparkline.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { UptimeBar } from '../../components/uptime-bar.tsx';
import { formatMs, formatPercent, relativeTime } from '../../lib/format.ts';
import { Link } from '../../router.tsx';

/** The last check's reason in words: its message, else its reason code. */
export function lastReason(monitor: Monitor): string {
  if (monitor.status === 'paused') return 'Paused';
  const check = monitor.lastCheck;
  if (!check) return 'Not checked yet';
  return check.message || check.reason || (check.status === 'up' ? 'OK' : check.status);
}

interface Props {
  monitor: Monitor;
  summary: RowSummary | undefined;
  days: number[];
  now: number;
  top: number;
}

export function MonitorRow({ monitor, summary, days, now, top }: Props) {
  const check = monitor.lastCheck;
  return (
    <li
      class="row"
      style={`transform:translateY(${top}px)`}
      data-testid="monitor-row"
      data-name={monitor.name}
      data-status={monitor.status}
      data-id={monitor.id}
    >
      <div class="row-main">
        <StatusBadge status={monitor.status} />
        <Link href={`/monitors/${monitor.id}`} class="row-name" title={monitor.target}>
          {monitor.name}
        </Link>
        <span class="row-tags">
          {monitor.maintenance ? <span class="tag tag-maintenance">maintenance</span> : null}
          {monitor.flapping && <span class="tag tag-flapping">flapping</span>}
          {monitor.tags.map((t) => (
            <Link key={t} class="tag" href={`/?tag=${encodeURIComponent(t)}`} tabIndex={-1}>
              {t}
            </Link>
          ))}
        </span>
        <span class="row-reason muted" title={check?.message ?? undefined}>
          {lastReason(monitor)}
          {check && ` · ${relativeTime(check.at, now)}`}
        </span>
      </div>
      <div class="row-history">
        <UptimeBar row={summary} days={days} />
        <span class="row-uptime" title="Uptime over the last 24 hours">
          {formatPercent(summary?.uptime24h)}
        </span>
        <span class="row-latency" title="Latency of the last check">
          {formatMs(check?.durationMs)}
        </span>
        <Sparkline values={summary?.latency} />
      </div>
    </li>
  );
}
