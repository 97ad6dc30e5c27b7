import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../api/client.ts';

/** A settings list read from the API, with a reload after each change. */
export function useList<T>(path: string, key: string) {
  const [items, setItems] = useState<T[]>();
  const [error, setError] = useState<string>();
  const reload = useCallback(() => {
    api<Record<string, T[]>>(path).then(
      (answer) => {
        setItems(answer[key] ?? []);
        setError(undefined);
      },
      (e) => setError(errorText(e)),
    );
  }, [path, key]);
  useEffect(reload, [reload]);
  return { items, error, reload };
}
