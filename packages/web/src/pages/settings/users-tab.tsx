import { useState } from 'preact/hooks';
import { api, errorText } from '../../api/client.ts';
import type { User } from '../../api/types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { useSessionUser } from '../../session.ts';
import { CreateForm } from './create-form.tsx';
import { useList } from './use-list.ts';

const ROLES: User['role'][] = ['viewer', 'editor', 'admin'];

function RoleOptions() {
  return (
    <>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </>
  );
}

/** Users (admins only): add one with a role, change a role, remove one. */
export function UsersTab() {
  const me = useSessionUser();
  const { items, error, reload } = useList<User>('/users', 'users');
  const [message, setMessage] = useState<{ error: boolean; text: string }>();
  const [busy, setBusy] = useState(false);

  const act = async (what: () => Promise<unknown>, done: string) => {
    setMessage(undefined);
    try {
      await what();
      setMessage({ error: false, text: done });
      reload();
    } catch (e) {
      setMessage({ error: true, text: errorText(e) });
    }
  };
  const add = async (event: Event) => {
    event.preventDefault();
    const formEl = event.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    const name = String(form.get('name') ?? '');
    setBusy(true);
    await act(
      () =>
        api('/users', {
          method: 'POST',
          body: {
            name,
            password: String(form.get('password') ?? ''),
            role: String(form.get('role') ?? 'viewer'),
          },
        }).then(() => formEl.reset()),
      `Added ${name}.`,
    );
    setBusy(false);
  };
  const remove = (user: User) => {
    if (!window.confirm(`Remove ${user.name}? Their sessions and API tokens end.`)) return;
    act(() => api(`/users/${user.id}`, { method: 'DELETE' }), `Removed ${user.name}.`);
  };

  return (
    <div>
      <h2>Users</h2>
      {error && <p class="error-box">{error}</p>}
      <div aria-live="polite">
        {message && <p class={message.error ? 'error-box' : 'notice'}>{message.text}</p>}
      </div>
      {items && (
        <DataTable testId="users" headings={['Name', 'Role', 'Actions']}>
          {items.map((user) => (
            <tr key={user.id} data-name={user.name}>
              <td>{user.name}</td>
              <td>
                <label class="sr-only" for={`role-${user.id}`}>
                  Role of {user.name}
                </label>
                <select
                  id={`role-${user.id}`}
                  value={user.role}
                  disabled={user.id === me?.id}
                  onChange={(e) => {
                    const role = (e.currentTarget as HTMLSelectElement).value;
                    act(
                      () => api(`/users/${user.id}`, { method: 'PATCH', body: { role } }),
                      `${user.name} is now ${role}.`,
                    );
                  }}
                >
                  <RoleOptions />
                </select>
              </td>
              <td>
                {user.id !== me?.id && (
                  <button type="button" onClick={() => remove(user)}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <CreateForm legend="Add a user" submitLabel="Add user" busy={busy} onSubmit={add}>
        <div class="field">
          <label for="user-name">Name *</label>
          <input id="user-name" name="name" required maxLength={200} autocomplete="off" />
        </div>
        <div class="field">
          <label for="user-password">Password * (at least 8 characters)</label>
          <input
            id="user-password"
            name="password"
            type="password"
            required
            minLength={8}
            maxLength={1024}
            autocomplete="new-password"
          />
        </div>
        <div class="field">
          <label for="user-role">Role</label>
          <select id="user-role" name="role">
            <RoleOptions />
          </select>
        </div>
      </CreateForm>
    </div>
  );
}
