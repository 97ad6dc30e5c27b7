import { useMemo, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import { DataTable } from '../../components/data-table.tsx';
import { maintenanceSchema } from '../../forms/config-schema.ts';
import { fieldsOf } from '../../forms/schema-fields.ts';
import { confirmDelete, EditDeleteButtons, ListErrors, NewItemButton } from './list-actions.tsx';
import { SchemaForm } from './schema-form.tsx';
import { useList } from './use-list.ts';

interface Window {
  id: number;
  name: string;
  source: 'file' | 'api';
  readOnly: string | null;
  active: boolean;
  monitors?: string[];
  groups?: string[];
  tags?: string[];
  start?: string;
  end?: string;
  schedule?: string;
  durationMin?: number;
  timezone?: string;
}

function when(w: Window): string {
  if (w.schedule) return `${w.schedule} for ${w.durationMin ?? '?'} min (${w.timezone ?? 'UTC'})`;
  return `${w.start ?? '?'} → ${w.end ?? '?'}`;
}

function scope(w: Window): string {
  const parts = [
    ...(w.monitors ?? []).map((m) => `monitor ${m}`),
    ...(w.groups ?? []).map((g) => `group ${g}`),
    ...(w.tags ?? []).map((t) => `tag ${t}`),
  ];
  return parts.length > 0 ? parts.join(', ') : 'every monitor';
}

/** Only what the form edits: the listing adds id, source, readOnly and active. */
function definition(w: Window): Record<string, unknown> {
  const { id: _id, source: _source, readOnly: _readOnly, active: _active, ...rest } = w;
  return rest;
}

/** Maintenance windows: one-off (start, end) or recurring (cron schedule, duration), scoped or global. */
export function MaintenanceTab() {
  const { items, error, reload } = useList<Window>('/maintenance', 'windows');
  const [form, setForm] = useState<{ editing?: Window } | null>(null);
  const [actionError, setActionError] = useState<string>();
  const fields = useMemo(() => fieldsOf(maintenanceSchema), []);
  const initial = useMemo(() => (form?.editing ? definition(form.editing) : undefined), [form]);

  const submit = async (body: Record<string, unknown>) => {
    if (form?.editing) await api(`/maintenance/${form.editing.id}`, { method: 'PUT', body });
    else await api('/maintenance', { method: 'POST', body });
    setForm(null);
    reload();
  };
  const remove = (w: Window) =>
    confirmDelete(
      `Delete the maintenance window "${w.name}"?`,
      `/maintenance/${w.id}`,
      reload,
      setActionError,
    );

  return (
    <div>
      <h2>Maintenance windows</h2>
      <p class="muted">
        While a window is open, its monitors' alerts are held and their checks count as maintenance.
      </p>
      <ListErrors error={error} actionError={actionError} />
      {items && items.length === 0 && <p class="muted">No maintenance windows.</p>}
      {items && items.length > 0 && (
        <DataTable testId="maintenance" headings={['Name', 'When', 'Scope', 'Actions']}>
          {items.map((w) => (
            <tr key={w.id}>
              <td>
                {w.name}
                {w.active && <span class="tag">open now</span>}
                {w.readOnly && <span class="tag">{w.readOnly}</span>}
              </td>
              <td>{when(w)}</td>
              <td>{scope(w)}</td>
              <td>
                {w.source === 'api' && (
                  <div class="form-actions">
                    <EditDeleteButtons onEdit={() => setForm({ editing: w })} onDelete={() => remove(w)} />
                  </div>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {form ? (
        <SchemaForm
          key={form.editing?.id ?? 'new'}
          legend={form.editing ? `Edit ${form.editing.name}` : 'New maintenance window'}
          schema={maintenanceSchema}
          fields={fields}
          initial={initial}
          submitLabel={form.editing ? 'Save window' : 'Create window'}
          onSubmit={submit}
          onCancel={() => setForm(null)}
        >
          <p class="hint muted">
            One-off: give start and end, like 2026-11-23T22:00:00Z. Recurring: give a cron schedule and a
            duration. Leave monitors, groups and tags empty to cover every monitor.
          </p>
        </SchemaForm>
      ) : (
        <NewItemButton label="New maintenance window" onClick={() => setForm({})} />
      )}
    </div>
  );
}
