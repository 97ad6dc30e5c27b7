import { useMemo, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import { DataTable } from '../../components/data-table.tsx';
import { statusPageSchema } from '../../forms/config-schema.ts';
import { fieldsOf } from '../../forms/schema-fields.ts';
import { confirmDelete, EditDeleteButtons, ListErrors, NewItemButton } from './list-actions.tsx';
import { SchemaForm } from './schema-form.tsx';
import { useList } from './use-list.ts';

interface StatusPage {
  slug: string;
  title: string;
  description?: string;
  items: { monitor?: string; group?: string; publicName?: string }[];
  showReasons: boolean;
  showLatency: boolean;
  showTargets: boolean;
  domain?: string;
  source: 'file' | 'api';
  readOnly: string | null;
  url: string;
  warnings: string[];
}

function definition(page: StatusPage): Record<string, unknown> {
  const { source: _s, readOnly: _r, url: _u, warnings: _w, ...rest } = page;
  return rest;
}

/** Status pages: slug, title, the services shown under their public names, what is shown, a domain. */
export function StatusPagesTab() {
  const { items, error, reload } = useList<StatusPage>('/status-pages', 'pages');
  const [form, setForm] = useState<{ editing?: StatusPage } | null>(null);
  const [actionError, setActionError] = useState<string>();
  const allFields = useMemo(() => fieldsOf(statusPageSchema), []);
  // A page's slug is its address: it is chosen once, when the page is created.
  const fields = useMemo(
    () => (form?.editing ? allFields.filter((f) => f.name !== 'slug') : allFields),
    [form, allFields],
  );
  const initial = useMemo(() => (form?.editing ? definition(form.editing) : undefined), [form]);

  const submit = async (body: Record<string, unknown>) => {
    if (form?.editing) {
      await api(`/status-pages/${encodeURIComponent(form.editing.slug)}`, {
        method: 'PUT',
        body: { ...body, slug: form.editing.slug },
      });
    } else await api('/status-pages', { method: 'POST', body });
    setForm(null);
    reload();
  };
  const remove = (page: StatusPage) =>
    confirmDelete(
      `Delete the status page "${page.title}"? Its address stops answering.`,
      `/status-pages/${encodeURIComponent(page.slug)}`,
      reload,
      setActionError,
    );

  return (
    <div>
      <h2>Status pages</h2>
      <ListErrors error={error} actionError={actionError} />
      {items && items.length === 0 && <p class="muted">No status pages yet.</p>}
      {items && items.length > 0 && (
        <DataTable testId="status-pages" headings={['Page', 'Services', 'Actions']}>
          {items.map((page) => (
            <tr key={page.slug}>
              <td>
                <a href={page.url} target="_blank" rel="noopener">
                  {page.title}
                </a>{' '}
                <span class="muted">{page.url}</span>
                {page.domain && <span class="tag">{page.domain}</span>}
                {page.readOnly && <span class="tag">{page.readOnly}</span>}
                {page.warnings.map((w) => (
                  <p key={w} class="hint muted">
                    {w}
                  </p>
                ))}
              </td>
              <td>
                {page.items
                  .map(
                    (i) =>
                      `${i.publicName ?? i.monitor ?? i.group}${i.publicName ? ` (${i.monitor ?? i.group})` : ''}`,
                  )
                  .join(', ')}
              </td>
              <td>
                {page.source === 'api' && (
                  <div class="form-actions">
                    <EditDeleteButtons
                      onEdit={() => setForm({ editing: page })}
                      onDelete={() => remove(page)}
                    />
                  </div>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {form ? (
        <SchemaForm
          key={form.editing?.slug ?? 'new'}
          legend={form.editing ? `Edit ${form.editing.title}` : 'New status page'}
          schema={statusPageSchema}
          fields={fields}
          fixed={form.editing ? { slug: form.editing.slug } : {}}
          initial={initial}
          submitLabel={form.editing ? 'Save page' : 'Create page'}
          onSubmit={submit}
          onCancel={() => setForm(null)}
        />
      ) : (
        <NewItemButton label="New status page" onClick={() => setForm({})} />
      )}
    </div>
  );
}
