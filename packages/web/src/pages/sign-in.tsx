import { api } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { navigate } from '../router.tsx';
import { setSessionUser } from '../session.ts';
import { AuthForm, useAuthSubmit } from './auth-form.tsx';

/** Where to go after signing in: the page that asked, never another site. */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignIn({ query }: { query: URLSearchParams }) {
  const { error, busy, submit } = useAuthSubmit(async (form) => {
    const { user } = await api<{ user: User }>('/auth/login', {
      method: 'POST',
      body: { name: form.get('name'), password: form.get('password') },
    });
    setSessionUser(user);
    navigate(safeNext(query.get('next')), true);
  });
  return (
    <AuthForm
      title="Sign in to mcpwatch"
      error={error}
      busy={busy}
      submitLabel="Sign in"
      busyLabel="Signing in…"
      onSubmit={submit}
    >
      <label>
        User name
        <input name="name" autocomplete="username" required autofocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autocomplete="current-password" required />
      </label>
    </AuthForm>
  );
}
