import type { ComponentChildren } from 'preact';

/** The form under a settings list that adds an item: its inputs in one fieldset, one submit button. */
export function CreateForm({
  legend,
  submitLabel,
  busy,
  onSubmit,
  children,
}: {
  legend: string;
  submitLabel: string;
  busy: boolean;
  onSubmit: (event: Event) => void;
  children: ComponentChildren;
}) {
  return (
    <form class="form" onSubmit={onSubmit}>
      <fieldset>
        <legend>{legend}</legend>
        {children}
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
