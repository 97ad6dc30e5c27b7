import { api, errorText } from '../../api/client.ts';

/** Asks first; on yes deletes `path` and reloads the list, or hands the failure's text to `onError`. */
export async function confirmDelete(
  question: string,
  path: string,
  reload: () => void,
  onError: (text: string) => void,
): Promise<void> {
  if (!window.confirm(question)) return;
  try {
    await api(path, { method: 'DELETE' });
    reload();
  } catch (e) {
    onError(errorText(e));
  }
}

/** A settings list's two errors: reading the list, and the last action on it (announced). */
export function ListErrors({ error, actionError }: { error?: string; actionError?: string }) {
  return (
    <>
      {error && <p class="error-box">{error}</p>}
      <div aria-live="polite">{actionError && <p class="error-box">{actionError}</p>}</div>
    </>
  );
}

/** An editable row's Edit and Delete buttons. */
export function EditDeleteButtons({ onEdit, onDelete }: { onEdit: () => void; onDelete: () => void }) {
  return (
    <>
      <button type="button" onClick={onEdit}>
        Edit
      </button>
      <button type="button" onClick={onDelete}>
        Delete
      </button>
    </>
  );
}

/** The button under a list that opens its form for a new item. */
export function NewItemButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <p>
      <button type="button" class="primary" onClick={onClick}>
        {label}
      </button>
    </p>
  );
}
