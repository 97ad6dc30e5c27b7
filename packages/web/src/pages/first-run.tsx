import { useState } from 'preact/hooks';
import { api, errorText } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { navigate } from '../router.tsx';
import { setSessionUser } from '../session.ts';

/** The first start: no user exists yet, so this page creates the admin and signs them in. */
export function FirstRun() {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const name = String(form.get('name') ?? '');
    const password = String(form.get('password') ?? '');
    if (password !== form.get('confirm')) {
      setError('The two passwords differ: type the same password twice.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await api('/auth/setup', { method: 'POST', body: { name, password } });
      const { user } = await api<{ user: User }>('/auth/login', { method: 'POST', body: { name, password } });
      setSessionUser(user);
      navigate('/', true);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };
  return (
    <main class="auth">
      <form class="card auth-form" onSubmit={submit}>
        <h1>Welcome to mcpwatch</h1>
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
        {error && (
          <p class="error-box" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create the admin'}
        </button>
      </form>
    </main>
  );
}
