import { type RawValues, rowCount, rowsKey, variantKey } from '../../forms/form-values.ts';
import { type Field, rowFields } from '../../forms/schema-fields.ts';

export interface FieldProps {
  field: Field;
  raw: RawValues;
  errors: Map<string, string>;
  disabled: boolean;
  onChange: (name: string, value: string | boolean) => void;
}

const idOf = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

const HINTS: Partial<Record<Field['kind'], string>> = {
  list: 'One per line.',
  map: 'One per line: name: value. Secrets as ${NAME}, read from the service’s environment.',
  json: 'JSON.',
};

function placeholderOf(field: Field): string | undefined {
  const d = field.schema.default;
  if (d === undefined || (typeof d === 'object' && d !== null)) return undefined;
  return `default ${String(d)}`;
}

/** A field's error, announced by its input's aria-describedby. */
function FieldError({ id, error }: { id: string; error: string | undefined }) {
  return error ? (
    <p class="field-error" id={`${id}-error`}>
      {error}
    </p>
  ) : null;
}

/** The inputs of several schema properties, in order, sharing the form's values, errors and state. */
export function FieldInputs({ fields, ...rest }: Omit<FieldProps, 'field'> & { fields: readonly Field[] }) {
  return (
    <>
      {fields.map((field) => (
        <FieldInput key={field.name} field={field} {...rest} />
      ))}
    </>
  );
}

/** One input for one schema property, with its label, hint and error (announced when it appears). */
export function FieldInput({ field, raw, errors, disabled, onChange }: FieldProps) {
  const id = idOf(field.name);
  const shared = { raw, errors, disabled, onChange };
  const error = errors.get(field.name);
  const described = [field.description || HINTS[field.kind] ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name: field.name,
    disabled,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': described || undefined,
    required: field.required,
  };
  const text = (raw[field.name] as string | undefined) ?? '';
  const set = (event: Event) => onChange(field.name, (event.currentTarget as HTMLInputElement).value);

  if (field.kind === 'group') {
    return (
      <fieldset>
        <legend>{field.label}</legend>
        {field.description && <p class="hint muted">{field.description}</p>}
        <FieldInputs fields={field.children ?? []} {...shared} />
      </fieldset>
    );
  }
  if (field.kind === 'rows') {
    const count = rowCount(raw, field.name);
    const remove = (index: number) => {
      // Later rows move up one place, so the inputs keep matching the rows they show.
      for (let i = index; i < count - 1; i++) {
        for (const [from, to] of rowFields(field, i + 1).map(
          (f, k) => [f, rowFields(field, i)[k]] as const,
        )) {
          if (to) onChange(to.name, raw[from.name] ?? (from.kind === 'checkbox' ? false : ''));
        }
      }
      for (const f of rowFields(field, count - 1)) onChange(f.name, f.kind === 'checkbox' ? false : '');
      onChange(rowsKey(field.name), String(count - 1));
    };
    return (
      <fieldset>
        <legend>
          {field.label}
          {field.required ? ' *' : ''}
        </legend>
        {field.description && <p class="hint">{field.description}</p>}
        {Array.from({ length: count }, (_, i) => (
          // A row is its position: removing one shifts the later rows' values up (see remove).
          <div class="row-fields" key={i} data-testid={`${field.name}-row`}>
            <FieldInputs
              fields={rowFields(field, i).map((child) => ({ ...child, label: `${child.label} (${i + 1})` }))}
              {...shared}
            />
            <button type="button" disabled={disabled} onClick={() => remove(i)}>
              Remove {i + 1}
            </button>
          </div>
        ))}
        <FieldError id={id} error={error} />
        <div>
          <button
            type="button"
            name={field.name}
            disabled={disabled}
            onClick={() => onChange(rowsKey(field.name), String(count + 1))}
          >
            Add to {field.label.toLowerCase()}
          </button>
        </div>
      </fieldset>
    );
  }
  if (field.kind === 'union') {
    const variants = field.variants ?? [];
    const index = Number(raw[variantKey(field.name)] ?? 0);
    const chosen = variants[index] ?? variants[0];
    return (
      <div class="field">
        <label for={`${id}-as`}>{field.label} as</label>
        <select
          id={`${id}-as`}
          name={variantKey(field.name)}
          disabled={disabled}
          value={String(index)}
          onChange={(e) => onChange(variantKey(field.name), (e.currentTarget as HTMLSelectElement).value)}
        >
          {variants.map((v, i) => (
            <option key={v.label} value={String(i)}>
              {v.label}
            </option>
          ))}
        </select>
        {chosen && (
          <FieldInput
            field={{
              ...chosen,
              label: chosen.kind === 'group' ? field.label : `${field.label} (${chosen.label})`,
              description: field.description,
            }}
            {...shared}
          />
        )}
      </div>
    );
  }
  if (field.kind === 'checkbox') {
    const checked =
      typeof raw[field.name] === 'boolean' ? (raw[field.name] as boolean) : field.schema.default === true;
    return (
      <div class="field">
        <label class="check-field" for={id}>
          <input
            {...common}
            required={false}
            type="checkbox"
            checked={checked}
            onChange={(e) => onChange(field.name, (e.currentTarget as HTMLInputElement).checked)}
          />
          {field.label}
        </label>
        {field.description && (
          <p class="hint" id={`${id}-hint`}>
            {field.description}
          </p>
        )}
        <FieldError id={id} error={error} />
      </div>
    );
  }
  let input: preact.JSX.Element;
  if (field.kind === 'select') {
    input = (
      <select {...common} value={text} onChange={set}>
        {!field.required && <option value="">{placeholderOf(field) ?? '—'}</option>}
        {(field.options ?? []).map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'list' || field.kind === 'map' || field.kind === 'json') {
    input = <textarea {...common} value={text} onInput={set} rows={3} spellcheck={false} />;
  } else {
    input = (
      <input
        {...common}
        type="text"
        inputMode={field.kind === 'number' ? 'numeric' : field.inputType === 'url' ? 'url' : undefined}
        value={text}
        placeholder={placeholderOf(field)}
        onInput={set}
        autocomplete="off"
      />
    );
  }
  return (
    <div class="field">
      <label for={id}>
        {field.label}
        {field.required ? ' *' : ''}
      </label>
      {input}
      {(field.description || HINTS[field.kind]) && (
        <p class="hint" id={`${id}-hint`}>
          {[field.description, HINTS[field.kind]].filter(Boolean).join(' ')}
        </p>
      )}
      <FieldError id={id} error={error} />
    </div>
  );
}
