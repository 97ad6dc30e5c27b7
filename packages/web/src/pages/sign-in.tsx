import { useState } from 'preact/hooks';
import { api, errorText } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { navigate } from '../router.tsx';
import { setSessionUser } from '../session.ts';

/** Where to go after signing in: the page that asked, never another site. */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignIn({ query }: { query: URLSearchParams }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      const { user } = await api<{ user: User }>('/auth/login', {
        method: 'POST',
        body: { name: form.get('name'), password: form.get('password') },
      });
      setSessionUser(user);
      navigate(safeNext(query.get('next')), true);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };
  return (
    <main class="auth">
      <form class="card auth-form" onSubmit={submit}>
        <h1>Sign in to mcpwatch</h1>
        <label>
          User name
          <input name="name" autocomplete="username" required autofocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        {error && (
          <p class="error-box" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
