import { api } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { navigate } from '../router.tsx';
import { setSessionUser } from '../session.ts';
import { AuthForm, useAuthSubmit } from './auth-form.tsx';

/** The first start: no user exists yet, so this page creates the admin and signs them in. */
export function FirstRun() {
  const { error, busy, submit } = useAuthSubmit(
    async (form) => {
      const name = String(form.get('name') ?? '');
      const password = String(form.get('password') ?? '');
      await api('/auth/setup', { method: 'POST', body: { name, password } });
      const { user } = await api<{ user: User }>('/auth/login', { method: 'POST', body: { name, password } });
      setSessionUser(user);
      navigate('/', true);
    },
    (form) =>
      String(form.get('password') ?? '') !== form.get('confirm')
        ? 'The two passwords differ: type the same password twice.'
        : undefined,
  );
  return (
    <AuthForm
      title="Welcome to mcpwatch"
      error={error}
      busy={busy}
      submitLabel="Create the admin"
      busyLabel="Creating…"
      onSubmit={submit}
    >
      <p class="muted">Nobody can sign in yet. Create the first user: an admin.</p>
      <label>
        User name
        <input name="name" autocomplete="username" required autofocus defaultValue="admin" />
      </label>
      <label>
        Password (at least 8 characters)
        <input name="password" type="password" autocomplete="new-password" minLength={8} required />
      </label>
      <label>
        The same password again
        <input name="confirm" type="password" autocomplete="new-password" minLength={8} required />
      </label>
    </AuthForm>
  );
}
