import { useState } from 'preact/hooks';

/** A secret the service shows once (a heartbeat token, an API token): copy it now or lose it. */
export function SecretOnce({ label, value, testId }: { label: string; value: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div class="notice" role="status">
      <p>
        <strong>{label}</strong> It is shown only this once: copy it now.
      </p>
      <div class="secret">
        <code data-testid={testId}>{value}</code>
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
