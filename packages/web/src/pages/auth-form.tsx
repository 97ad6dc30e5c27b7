import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { errorText } from '../api/client.ts';

/**
 * The submit of a sign-in page's form: `check` may refuse the form with a message before anything is
 * sent; `run` does the work and, on success, leaves the page (the button stays busy), or its failure is shown.
 */
export function useAuthSubmit(
  run: (form: FormData) => Promise<void>,
  check: (form: FormData) => string | undefined = () => undefined,
) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const refusal = check(form);
    if (refusal !== undefined) {
      setError(refusal);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await run(form);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

/** The frame of the pages before signing in: a card with a title, the fields, the error and the button. */
export function AuthForm({
  title,
  error,
  busy,
  submitLabel,
  busyLabel,
  onSubmit,
  children,
}: {
  title: string;
  error?: string;
  busy: boolean;
  submitLabel: string;
  busyLabel: string;
  onSubmit: (event: Event) => void;
  children: ComponentChildren;
}) {
  return (
    <main class="auth">
      <form class="card auth-form" onSubmit={onSubmit}>
        <h1>{title}</h1>
        {children}
        {error && (
          <p class="error-box" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
      </form>
    </main>
  );
}
