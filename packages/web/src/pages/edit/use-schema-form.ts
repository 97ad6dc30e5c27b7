import { useMemo, useState } from 'preact/hooks';
import { ApiError } from '../../api/client.ts';
import {
  allNames,
  errorsByField,
  fieldForPath,
  type RawValues,
  readFields,
} from '../../forms/form-values.ts';
import { type JsonSchema, type SchemaError, validate } from '../../forms/json-schema.ts';
import type { Field } from '../../forms/schema-fields.ts';

function focusInput(name: string): void {
  (document.querySelector(`[name="${CSS.escape(name)}"]`) as HTMLElement | null)?.focus();
}

export interface SchemaForm {
  raw: RawValues;
  body: Record<string, unknown>;
  /** True once the user tried to send it: then every problem is shown. */
  submitted: boolean;
  /** Errors to show, by input name: an input's own once it was changed, all of them after a submit. */
  errors: Map<string, string>;
  /** The problems that keep the form from being sent; '' holds one no input shows. */
  allErrors: Map<string, string>;
  change: (name: string, value: string | boolean) => void;
  reset: (raw: RawValues) => void;
  /** Marks the form submitted; false (and the first bad input focused) when it does not validate. */
  check: () => boolean;
  /** Shows the service's refusal: on its `field` when the form has that input, else above the buttons. */
  refused: (error: unknown) => string | undefined;
}

/**
 * The state of a form derived from a schema: the inputs' text, the value they make (with `fixed`
 * parts such as the kind), and the schema's verdict on it as the user types.
 */
export function useSchemaForm(
  schema: JsonSchema | undefined,
  fields: readonly Field[],
  fixed: Record<string, unknown>,
  extra: (body: Record<string, unknown>) => SchemaError[] = () => [],
): SchemaForm {
  const [raw, setRaw] = useState<RawValues>({});
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [server, setServer] = useState<{ name: string; message: string }>();
  const names = useMemo(() => allNames(fields), [fields]);

  const readErrors: SchemaError[] = [];
  const body = { ...fixed, ...readFields(fields, raw, readErrors) };
  const problems = [...readErrors, ...(schema ? validate(schema, body) : []), ...extra(body)];
  const allErrors = errorsByField(problems, names);
  const errors = new Map([...allErrors].filter(([name]) => name && (submitted || touched.has(name))));
  if (server && !errors.has(server.name)) errors.set(server.name, server.message);

  return {
    raw,
    body,
    submitted,
    errors,
    allErrors,
    change: (name, value) => {
      setRaw((r) => ({ ...r, [name]: value }));
      setTouched((t) => new Set([...t, name.replace(/@variant$/, '')]));
      if (server?.name === name) setServer(undefined);
    },
    reset: (next) => {
      setRaw(next);
      setTouched(new Set());
      setSubmitted(false);
      setServer(undefined);
    },
    check: () => {
      setSubmitted(true);
      setServer(undefined);
      const first = [...allErrors.keys()][0];
      if (first === undefined) return true;
      // After the render that shows the errors (and opens a closed section holding the input).
      if (first) setTimeout(() => focusInput(first));
      return false;
    },
    refused: (error) => {
      const field = error instanceof ApiError && error.field ? fieldForPath(error.field, names) : undefined;
      if (field && error instanceof ApiError) {
        // The service's message starts with the field's path ("target: give an http(s) URL…").
        const message = error.message.replace(/^[\w.]+:\s*/, '');
        setServer({ name: field, message });
        setTimeout(() => focusInput(field));
        return undefined;
      }
      return error instanceof Error ? error.message : String(error);
    },
  };
}
