import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, errorText } from '../../api/client.ts';
import type { Monitor, ProbeResult } from '../../api/types.ts';
import { StatusBadge } from '../../components/status-badge.tsx';
import { formatTime, relativeTime } from '../../lib/format.ts';
import { timeline, toolSnapshots } from '../../lib/timeline.ts';
import { Link } from '../../router.tsx';
import { canEdit, useSessionUser } from '../../session.ts';
import type { PageProps } from '../registry.ts';
import { HeartbeatView } from './heartbeat-view.tsx';
import { LatencyChart } from './latency-chart.tsx';
import { CheckResultView, StderrView, TlsView, tlsFromEvent } from './probe-details.tsx';
import { TimelineView } from './timeline-view.tsx';
import { ToolDiffView } from './tool-diff.tsx';
import { ToolList } from './tool-list.tsx';
import { UptimeWindows } from './uptime-windows.tsx';
import { useMonitorData } from './use-monitor-data.ts';

/** One monitor: status, latency, uptime, what happened, its tools and how they changed. */
export function MonitorPage({ params }: PageProps) {
  const id = Number(params.id);
  const user = useSessionUser();
  const { data, error, refreshKey, update, refresh, loadOlder } = useMonitorData(id);
  const [checking, setChecking] = useState(false);
  const [checkResult, setCheckResult] = useState<ProbeResult>();
  const [actionError, setActionError] = useState<string>();
  const now = Date.now();
  const items = useMemo(
    () => (data ? timeline(data.events, data.incidents) : []),
    [data?.events, data?.incidents],
  );
  const snapshots = useMemo(() => toolSnapshots(data?.events ?? []), [data?.events]);

  useEffect(() => {
    if (data) {
      document.title = `${data.monitor.name} · mcpwatch`;
      document.body.dataset.ready = 'monitor';
    }
  }, [data !== undefined]);
  useEffect(
    () => () => {
      delete document.body.dataset.ready;
    },
    [],
  );
  useEffect(() => setCheckResult(undefined), [id]);

  if (error) return <p class="error-box page">{error}</p>;
  if (!data) return <p class="muted page">Loading…</p>;
  const { monitor, config } = data;

  const act = async (path: string) => {
    setActionError(undefined);
    try {
      await api(`/monitors/${id}/${path}`, { method: 'POST' });
      update((await api<{ monitor: Monitor }>(`/monitors/${id}`)).monitor);
    } catch (e) {
      setActionError(errorText(e));
    }
  };
  const checkNow = async () => {
    setChecking(true);
    setActionError(undefined);
    try {
      const { result } = await api<{ result: ProbeResult }>(`/monitors/${id}/check`, { method: 'POST' });
      setCheckResult(result);
      refresh();
    } catch (e) {
      setActionError(errorText(e));
    } finally {
      setChecking(false);
    }
  };

  const restarts = data.events.filter((e) => e.kind === 'process_restarted' && e.evidence?.stderrTail);
  const last = monitor.lastCheck;
  const stderr = checkResult?.mcp?.stderr
    ? { lines: checkResult.mcp.stderr, when: 'From the check just made.' }
    : last?.stderr
      ? { lines: last.stderr, when: `From the last check, ${formatTime(last.at)}.` }
      : restarts[0]
        ? {
            lines: restarts[0].evidence?.stderrTail as string[],
            when: `Before the restart at ${formatTime(restarts[0].at)}.`,
          }
        : undefined;
  const tlsEvent = data.events.find((e) => e.kind === 'tls_expiring');
  const lastTlsAt = tlsEvent?.at ?? 0;
  const lastTls = tlsEvent?.evidence ? tlsFromEvent(tlsEvent.evidence) : undefined;
  const isStdio =
    typeof config.command === 'string' || monitor.target.startsWith('stdio:') || 'command' in config;

  return (
    <section class="page monitor-page">
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link href="/">Overview</Link> / {monitor.group && <span>{monitor.group} / </span>}
      </nav>
      <header class="monitor-head">
        <div>
          <h1>{monitor.name}</h1>
          <p class="muted">
            <StatusBadge status={monitor.status} testid="monitor-status" /> since{' '}
            {relativeTime(monitor.since, now)} · {monitor.kind} · <code class="target">{monitor.target}</code>{' '}
            · every {monitor.intervalSec} s{monitor.flapping && <span class="pill warn">flapping</span>}
            {monitor.incidentOpen && (
              <Link href="/incidents" class="pill bad">
                incident open
              </Link>
            )}
          </p>
          {monitor.lastCheck && (
            <p class="small">
              Last check {relativeTime(monitor.lastCheck.at, now)}:{' '}
              {monitor.lastCheck.message || monitor.lastCheck.reason}
            </p>
          )}
          {monitor.tags.length > 0 && (
            <p>
              {monitor.tags.map((t) => (
                <Link key={t} class="tag" href={`/?tag=${encodeURIComponent(t)}`}>
                  {t}
                </Link>
              ))}
            </p>
          )}
        </div>
        {canEdit(user) && (
          <div class="actions">
            {monitor.kind !== 'heartbeat' && (
              <button
                type="button"
                class="primary"
                data-testid="check-now"
                disabled={checking}
                onClick={checkNow}
              >
                {checking ? 'Checking…' : 'Check now'}
              </button>
            )}
            {monitor.status === 'paused' ? (
              <button type="button" data-testid="resume" onClick={() => act('resume')}>
                Resume
              </button>
            ) : (
              <button type="button" data-testid="pause" onClick={() => act('pause')}>
                Pause
              </button>
            )}
            {monitor.source === 'api' && (
              <Link class="button" href={`/monitors/${id}/edit`} data-testid="edit">
                Edit
              </Link>
            )}
          </div>
        )}
      </header>
      {monitor.readOnly && <p class="muted small">{monitor.readOnly}</p>}
      {actionError && (
        <p class="error-box" role="alert">
          {actionError}
        </p>
      )}
      {checkResult && <CheckResultView result={checkResult} />}
      <div class="grid-2">
        <UptimeWindows windows={data.windows} />
        {checkResult?.tls ? (
          <TlsView tls={checkResult.tls} />
        ) : last?.tls ? (
          <TlsView tls={last.tls} note={`From the last check, ${formatTime(last.at)}.`} />
        ) : (
          lastTls && <TlsView tls={lastTls} note={`From the expiry warning of ${formatTime(lastTlsAt)}.`} />
        )}
      </div>
      {monitor.kind !== 'heartbeat' && <LatencyChart monitorId={id} refreshKey={refreshKey} />}
      {monitor.kind === 'heartbeat' && <HeartbeatView monitorId={id} refreshKey={refreshKey} />}
      {(stderr || isStdio) && (
        <StderrView
          lines={stderr?.lines ?? []}
          when={stderr?.when ?? 'Shown from the last restart or a check made here ("Check now").'}
        />
      )}
      <TimelineView items={items} now={now} loadOlder={loadOlder} mayHaveMore={data.events.length >= 200} />
      {monitor.kind === 'mcp' && (
        <div class="grid-2">
          <ToolList tools={data.tools} />
          <ToolDiffView snapshots={snapshots} />
        </div>
      )}
    </section>
  );
}
