import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, errorText } from '../../api/client.ts';
import type { Monitor } from '../../api/types.ts';
import { monitorKinds } from '../../forms/config-schema.ts';
import { type RawValues, writeFields } from '../../forms/form-values.ts';
import { noHiddenSecrets } from '../../forms/hidden-secrets.ts';
import { commonKeys, type Field, fieldsOf } from '../../forms/schema-fields.ts';
import { Link, navigate } from '../../router.tsx';
import { canEdit, useSessionUser } from '../../session.ts';
import type { PageProps } from '../registry.ts';
import { CheckNow } from './check-now.tsx';
import { FieldInputs } from './field-input.tsx';
import { NewPingUrl } from './new-ping-url.tsx';
import { SecretOnce } from './secret-once.tsx';
import { useSchemaForm } from './use-schema-form.ts';
import './forms.css';

const KINDS = [...monitorKinds.keys()];
const COMMON = commonKeys(monitorKinds.values());
/** Shown first, in this order, when the kind has them; the other shared options are under "Alerts". */
const BASIC = ['name', 'target', 'intervalSec', 'group', 'tags', 'enabled'];

interface KindFields {
  basic: Field[];
  specific: Field[];
  alerts: Field[];
  all: Field[];
}

/** The kind's fields: the basics, what this kind adds, and the alerting options every kind shares. */
function fieldsFor(kind: string): KindFields {
  const schema = monitorKinds.get(kind);
  if (!schema) return { basic: [], specific: [], alerts: [], all: [] };
  const all = fieldsOf(schema, '', ['kind']);
  const basic = all
    .filter((f) => BASIC.includes(f.name))
    .sort((a, b) => BASIC.indexOf(a.name) - BASIC.indexOf(b.name));
  const alerts = all.filter((f) => COMMON.has(f.name) && !basic.includes(f));
  const specific = all.filter((f) => !basic.includes(f) && !alerts.includes(f));
  return { basic, specific, alerts, all };
}

function hasValue(raw: RawValues, name: string): boolean {
  return Object.entries(raw).some(
    ([key, value]) => (key === name || key.startsWith(`${name}.`)) && value !== '' && value !== undefined,
  );
}

/** `/monitors/new` and `/monitors/:id/edit`: every kind's options, from the service's schema. */
export function MonitorFormPage({ params }: PageProps) {
  const id = params.id;
  const user = useSessionUser();
  const [kind, setKind] = useState('mcp');
  const [monitor, setMonitor] = useState<Monitor>();
  const [loadError, setLoadError] = useState<string>();
  const [readOnly, setReadOnly] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ id: number; token: string }>();
  const { basic, specific, alerts, all } = useMemo(() => fieldsFor(kind), [kind]);
  const form = useSchemaForm(monitorKinds.get(kind), all, { kind }, id ? noHiddenSecrets : undefined);

  useEffect(() => {
    if (!id) {
      form.reset({});
      return;
    }
    api<{ monitor: Monitor; config: Record<string, unknown> | null }>(`/monitors/${id}`).then(
      ({ monitor: m, config }) => {
        setMonitor(m);
        setKind(m.kind);
        setReadOnly(m.readOnly ?? (m.source === 'file' ? 'This monitor is defined in mcpwatch.yaml.' : null));
        form.reset(writeFields(fieldsFor(m.kind).all, config ?? {}));
      },
      (e) => setLoadError(errorText(e)),
    );
  }, [id]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (readOnly || !form.check()) return;
    setBusy(true);
    setError(undefined);
    try {
      if (id) {
        await api(`/monitors/${id}`, { method: 'PUT', body: form.body });
        navigate(`/monitors/${id}`);
        return;
      }
      const answer = await api<{ monitor: Monitor; heartbeatToken?: string }>('/monitors', {
        method: 'POST',
        body: form.body,
      });
      if (answer.heartbeatToken) setCreated({ id: answer.monitor.id, token: answer.heartbeatToken });
      else navigate(`/monitors/${answer.monitor.id}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) setReadOnly(e.message);
      else setError(form.refused(e));
    } finally {
      setBusy(false);
    }
  };

  if (loadError) return <p class="page error-box">{loadError}</p>;
  if (id && !monitor) return <p class="muted page">Loading…</p>;
  if (created) {
    return (
      <section class="page">
        <h1>Monitor created</h1>
        <SecretOnce
          label="Ping URL:"
          value={`${window.location.origin}/hb/${created.token}`}
          testId="heartbeat-token"
        />
        <p>
          <Link href={`/monitors/${created.id}`} class="button primary">
            Open the monitor
          </Link>
        </p>
      </section>
    );
  }
  const disabled = busy || readOnly !== null;
  const inputs = (fields: readonly Field[]) => (
    <FieldInputs
      fields={fields}
      raw={form.raw}
      errors={form.errors}
      disabled={disabled}
      onChange={form.change}
    />
  );
  return (
    <section class="page">
      <h1>{id ? `Edit ${monitor?.name ?? 'monitor'}` : 'New monitor'}</h1>
      {readOnly && (
        <p class="notice" role="status" data-testid="read-only">
          <strong>Read-only:</strong> {readOnly}
        </p>
      )}
      {/* Above the long form, so the probe's answer is in view without scrolling past every option. */}
      {id && canEdit(user) && (kind === 'heartbeat' ? <NewPingUrl id={id} /> : <CheckNow id={id} />)}
      <form class="form" onSubmit={submit} noValidate>
        <fieldset>
          <legend>Monitor</legend>
          <div class="field">
            <label for="f-kind">Kind *</label>
            <select
              id="f-kind"
              name="kind"
              value={kind}
              disabled={disabled || id !== undefined}
              onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)}
            >
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </div>
          {inputs(basic)}
        </fieldset>
        <fieldset>
          <legend>{kind} options</legend>
          {inputs(specific)}
        </fieldset>
        <fieldset>
          {/* Closed unless something in it is set or wrong, so a phone shows the basics first. */}
          <details
            class="options"
            open={alerts.some((f) => form.errors.has(f.name) || hasValue(form.raw, f.name)) || undefined}
          >
            <summary>Alerts</summary>
            {inputs(alerts)}
          </details>
        </fieldset>
        <div aria-live="polite">
          {error && (
            <p class="error-box" role="alert">
              {error}
            </p>
          )}
          {form.submitted && form.errors.size > 0 && (
            <p class="field-error" data-testid="form-errors">
              {form.errors.size === 1
                ? 'One field needs attention.'
                : `${form.errors.size} fields need attention.`}
            </p>
          )}
        </div>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={disabled}>
            {busy ? 'Saving…' : id ? 'Save' : 'Create monitor'}
          </button>
          <Link href={id ? `/monitors/${id}` : '/'} class="button">
            Cancel
          </Link>
        </div>
      </form>
    </section>
  );
}
