import { useMemo, useState } from 'preact/hooks';
import { api, errorText } from '../../api/client.ts';
import { DataTable } from '../../components/data-table.tsx';
import { channelNameSchema, channelTypes } from '../../forms/config-schema.ts';
import { type Delivery, deliveryText } from '../../forms/delivery-text.ts';
import { fieldsOf } from '../../forms/schema-fields.ts';
import { confirmDelete, EditDeleteButtons, ListErrors, NewItemButton } from './list-actions.tsx';
import { SchemaForm } from './schema-form.tsx';
import { useList } from './use-list.ts';

interface Channel {
  name: string;
  type: string;
  source: 'file' | 'api';
  config: Record<string, unknown>;
}

const TYPES = [...channelTypes.keys()];
/** A channel's name is its key in the file, not one of its settings, so its rule is the file's key rule. */
const NAME_FIELD = fieldsOf({ type: 'object', properties: { name: channelNameSchema }, required: ['name'] });

/** One channel's form: the type picks the provider's settings, each from its schema. */
function ChannelForm({ editing, onDone }: { editing?: Channel; onDone: () => void }) {
  const [type, setType] = useState(editing?.type ?? TYPES[0] ?? 'webhook');
  const fields = useMemo(() => {
    const own = fieldsOf(channelTypes.get(type) ?? {}, '', ['type']);
    return editing ? own : [...NAME_FIELD, ...own];
  }, [type, editing]);
  const schema = channelTypes.get(type);
  const withName = useMemo(
    () =>
      schema && {
        ...schema,
        properties: { ...schema.properties, name: NAME_FIELD[0]?.schema ?? {} },
        required: [...(schema.required ?? []), ...(editing ? [] : ['name'])],
      },
    [schema, editing],
  );
  const submit = async (body: Record<string, unknown>) => {
    if (editing) await api(`/channels/${encodeURIComponent(editing.name)}`, { method: 'PUT', body });
    else await api('/channels', { method: 'POST', body });
    onDone();
  };
  return (
    <SchemaForm
      legend={editing ? `Edit ${editing.name}` : 'New channel'}
      schema={withName}
      fields={fields}
      fixed={{ type }}
      initial={editing?.config}
      submitLabel={editing ? 'Save channel' : 'Create channel'}
      onSubmit={submit}
      onCancel={onDone}
    >
      <div class="field">
        <label for="f-type">Type *</label>
        <select
          id="f-type"
          name="type"
          value={type}
          disabled={editing !== undefined}
          onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value)}
        >
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <p class="hint">Secrets as {'${NAME}'}: the service reads them from its environment.</p>
      </div>
    </SchemaForm>
  );
}

/** Notification channels: those of mcpwatch.yaml read-only, the API's editable; each can send a test. */
export function ChannelsTab() {
  const { items, error, reload } = useList<Channel>('/channels', 'channels');
  const [form, setForm] = useState<{ editing?: Channel } | null>(null);
  const [tests, setTests] = useState<Record<string, string>>({});
  const [actionError, setActionError] = useState<string>();

  const test = async (name: string) => {
    setTests((t) => ({ ...t, [name]: 'Sending…' }));
    try {
      const { delivery } = await api<{ delivery: Delivery }>(`/channels/${encodeURIComponent(name)}/test`, {
        method: 'POST',
      });
      setTests((t) => ({ ...t, [name]: deliveryText(delivery) }));
    } catch (e) {
      setTests((t) => ({ ...t, [name]: errorText(e) }));
    }
  };
  const remove = (name: string) =>
    confirmDelete(
      `Delete the channel "${name}"? Its queued notifications will not be sent.`,
      `/channels/${encodeURIComponent(name)}`,
      reload,
      setActionError,
    );
  const done = () => {
    setForm(null);
    reload();
  };

  return (
    <div>
      <h2>Notification channels</h2>
      <ListErrors error={error} actionError={actionError} />
      {items && items.length === 0 && <p class="muted">No channels yet.</p>}
      {items && items.length > 0 && (
        <DataTable testId="channels" headings={['Name', 'Type', 'Settings', 'Actions']}>
          {items.map((c) => (
            <tr key={c.name} data-name={c.name}>
              <td>
                {c.name}
                {c.source === 'file' && <span class="tag">mcpwatch.yaml, read-only</span>}
              </td>
              <td>{c.type}</td>
              <td>
                {Object.entries(c.config).map(([key, value]) => (
                  <div key={key}>
                    <span class="muted">{key}</span>{' '}
                    <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
                  </div>
                ))}
              </td>
              <td>
                <div class="form-actions">
                  <button type="button" data-testid="channel-test" onClick={() => test(c.name)}>
                    Send test
                  </button>
                  {c.source === 'api' && (
                    <EditDeleteButtons
                      onEdit={() => setForm({ editing: c })}
                      onDelete={() => remove(c.name)}
                    />
                  )}
                </div>
                <p aria-live="polite" data-testid="channel-test-result">
                  {tests[c.name]}
                </p>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {form ? (
        <ChannelForm key={form.editing?.name ?? 'new'} editing={form.editing} onDone={done} />
      ) : (
        <NewItemButton label="New channel" onClick={() => setForm({})} />
      )}
    </div>
  );
}
