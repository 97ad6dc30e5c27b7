import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../api/client.ts';
import type { Incident, Monitor } from '../../api/types.ts';
import { subscribe } from '../../live/stream.ts';
import { Link } from '../../router.tsx';
import { canEdit, useSessionUser } from '../../session.ts';
import type { PageProps } from '../registry.ts';
import { IncidentCard } from './incident-card.tsx';

/** Monitor names for the incidents shown, read one by one (a page lists a few monitors, not the fleet). */
async function namesOf(ids: number[], known: Map<number, string>): Promise<Map<number, string>> {
  const missing = [...new Set(ids)].filter((id) => !known.has(id)).slice(0, 100);
  const names = new Map(known);
  await Promise.all(
    missing.map((id) =>
      api<{ monitor: Monitor }>(`/monitors/${id}`).then(
        (a) => names.set(id, a.monitor.name),
        () => names.set(id, `Monitor #${id} (deleted)`),
      ),
    ),
  );
  return names;
}

/** Open and past incidents: acknowledge, add a note, resolve; kept current from the live stream. */
export function IncidentsPage(_props: PageProps) {
  const user = useSessionUser();
  const [open, setOpen] = useState<Incident[]>();
  const [past, setPast] = useState<Incident[]>();
  const [names, setNames] = useState(new Map<number, string>());
  const [error, setError] = useState<string>();
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let live = true;
    Promise.all([
      api<{ incidents: Incident[] }>('/incidents?open=true&limit=200'),
      api<{ incidents: Incident[] }>('/incidents?open=false&limit=100'),
    ]).then(
      async ([o, p]) => {
        const n = await namesOf(
          [...o.incidents, ...p.incidents].map((i) => i.monitorId),
          names,
        );
        if (!live) return;
        setNames(n);
        setOpen(o.incidents);
        setPast(p.incidents);
        setError(undefined);
        document.body.dataset.ready = 'incidents';
      },
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [reloads]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe('event', () => {
      clearTimeout(timer);
      timer = setTimeout(() => setReloads((r) => r + 1), 500);
    });
    return () => {
      off();
      clearTimeout(timer);
      delete document.body.dataset.ready;
    };
  }, []);

  const replace = (incident: Incident) => {
    const swap = (list: Incident[] | undefined) => list?.map((i) => (i.id === incident.id ? incident : i));
    if (incident.resolvedAt !== null && open?.some((i) => i.id === incident.id)) {
      setOpen(open.filter((i) => i.id !== incident.id));
      setPast([incident, ...(past ?? [])]);
    } else {
      setOpen(swap(open));
      setPast(swap(past));
    }
  };
  const card = (i: Incident) => (
    <IncidentCard
      key={i.id}
      incident={i}
      monitorName={names.get(i.monitorId) ?? `Monitor #${i.monitorId}`}
      editable={canEdit(user)}
      onChange={replace}
    />
  );

  return (
    <section class="page incidents-page">
      <h1>Incidents</h1>
      {error && (
        <p class="error-box" role="alert">
          {error}
        </p>
      )}
      {!open && !error && <p class="muted">Loading…</p>}
      {open && (
        <>
          <h2>Open ({open.length})</h2>
          {open.length === 0 && (
            <p class="muted">
              No open incident. <Link href="/">Every monitor</Link> is as it should be, or being looked at.
            </p>
          )}
          <ul class="incident-list" data-testid="open-incidents">
            {open.map(card)}
          </ul>
          <h2>Past</h2>
          {past?.length === 0 && <p class="muted">No incident yet.</p>}
          <ul class="incident-list" data-testid="past-incidents">
            {past?.map(card)}
          </ul>
        </>
      )}
    </section>
  );
}
