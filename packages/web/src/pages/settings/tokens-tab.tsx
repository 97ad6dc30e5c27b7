import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import { DataTable } from '../../components/data-table.tsx';
import { useBusyAction } from '../../components/use-busy-action.ts';
import { formatTime } from '../../lib/format.ts';
import { SecretOnce } from '../edit/secret-once.tsx';
import { CreateForm } from './create-form.tsx';
import { confirmDelete } from './list-actions.tsx';
import { useList } from './use-list.ts';

interface Token {
  id: number;
  name: string;
  scope: 'read' | 'write';
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  userName?: string;
}

/** API tokens: create one with a scope (its secret shown once), revoke one. */
export function TokensTab() {
  const { items, error, reload } = useList<Token>('/tokens', 'tokens');
  const [secret, setSecret] = useState<string>();
  const { busy, error: message, setError: setMessage, run } = useBusyAction();

  const create = async (event: Event) => {
    event.preventDefault();
    const formEl = event.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    const days = String(form.get('expiresInDays') ?? '').trim();
    setSecret(undefined);
    await run(async () => {
      const answer = await api<{ secret: string }>('/tokens', {
        method: 'POST',
        body: {
          name: String(form.get('name') ?? ''),
          scope: String(form.get('scope') ?? 'read'),
          ...(days ? { expiresInDays: Number(days) } : {}),
        },
      });
      setSecret(answer.secret);
      formEl.reset();
      reload();
    });
  };
  const revoke = (token: Token) =>
    confirmDelete(
      `Revoke the token "${token.name}"? Whatever uses it stops working.`,
      `/tokens/${token.id}`,
      reload,
      setMessage,
    );

  return (
    <div>
      <h2>API tokens</h2>
      <p class="muted">
        Send one as <code>Authorization: Bearer mcpw_…</code>. A read token can only read; a write token can
        do what its owner can.
      </p>
      {error && <p class="error-box">{error}</p>}
      <div aria-live="polite">
        {message && (
          <p class="error-box" role="alert">
            {message}
          </p>
        )}
        {secret && <SecretOnce label="The new token:" value={secret} testId="token-secret" />}
      </div>
      {items && items.length === 0 && <p class="muted">No tokens yet.</p>}
      {items && items.length > 0 && (
        <DataTable testId="tokens" headings={['Name', 'Scope', 'Owner', 'Last used', 'Expires', 'Actions']}>
          {items.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{t.scope}</td>
              <td>{t.userName ?? ''}</td>
              <td>{t.lastUsedAt ? formatTime(t.lastUsedAt) : 'never'}</td>
              <td>{t.expiresAt ? formatTime(t.expiresAt) : 'never'}</td>
              <td>
                <button type="button" onClick={() => revoke(t)}>
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <CreateForm legend="Create a token" submitLabel="Create token" busy={busy} onSubmit={create}>
        <div class="field">
          <label for="token-name">Name *</label>
          <input id="token-name" name="name" required maxLength={100} autocomplete="off" />
        </div>
        <div class="field">
          <label for="token-scope">Scope</label>
          <select id="token-scope" name="scope">
            <option value="read">read</option>
            <option value="write">write</option>
          </select>
        </div>
        <div class="field">
          <label for="token-days">Expires in (days)</label>
          <input id="token-days" name="expiresInDays" type="number" min={1} max={3650} placeholder="never" />
        </div>
      </CreateForm>
    </div>
  );
}
