import { useState } from 'preact/hooks';
import { errorText } from '../api/client.ts';

/**
 * One action at a time: `run` clears the last error, marks the action busy while `work` runs and keeps
 * the text of its failure. `setError` lets a neighbouring action show its failure in the same place.
 */
export function useBusyAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
