import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type RawValues, writeFields } from '../../forms/form-values.ts';
import type { JsonSchema } from '../../forms/json-schema.ts';
import type { Field } from '../../forms/schema-fields.ts';
import { FieldInputs } from '../edit/field-input.tsx';
import { useSchemaForm } from '../edit/use-schema-form.ts';
import '../edit/forms.css';

export interface SchemaFormProps {
  legend: string;
  schema: JsonSchema | undefined;
  fields: readonly Field[];
  /** Parts of the value the inputs do not hold (a channel's type). */
  fixed?: Record<string, unknown>;
  /** A stored definition to edit (a channel's hidden secrets may be sent back as shown: the service keeps them). */
  initial?: Record<string, unknown>;
  submitLabel: string;
  onSubmit: (body: Record<string, unknown>) => Promise<void>;
  onCancel?: () => void;
  /** Inputs shown before the derived ones (the type select of a channel). */
  children?: ComponentChildren;
}

/** A settings form whose inputs and checks come from a schema; the service's refusal lands on its field. */
export function SchemaForm(props: SchemaFormProps) {
  const { schema, fields, fixed = {}, initial } = props;
  const form = useSchemaForm(schema, fields, fixed);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  // Only a new definition to edit resets the inputs: a channel's type change keeps the name typed.
  useEffect(() => {
    form.reset(initial ? writeFields(fields, initial) : ({} as RawValues));
  }, [initial]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!form.check()) return;
    setBusy(true);
    setError(undefined);
    try {
      await props.onSubmit(form.body);
    } catch (e) {
      setError(form.refused(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form" onSubmit={submit} noValidate>
      <fieldset>
        <legend>{props.legend}</legend>
        {props.children}
        <FieldInputs
          fields={fields}
          raw={form.raw}
          errors={form.errors}
          disabled={busy}
          onChange={form.change}
        />
      </fieldset>
      <div aria-live="assertive">
        {error && (
          <p class="error-box" role="alert">
            {error}
          </p>
        )}
      </div>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Saving…' : props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
