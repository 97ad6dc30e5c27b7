import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../api/client.ts';
import type { ToolChange, ToolDiff } from '../../api/types.ts';
import { formatTime } from '../../lib/format.ts';
import { diffWords } from '../../lib/text-diff.ts';

function Words({ from, to }: { from: string; to: string }) {
  return (
    <p class="pre-line words">
      {diffWords(from, to).map((part, i) =>
        part.kind === 'same' ? (
          part.text
        ) : part.kind === 'added' ? (
          <ins key={i}>{part.text}</ins>
        ) : (
          <del key={i}>{part.text}</del>
        ),
      )}
    </p>
  );
}

interface Snapshot {
  hash: string;
  at: number;
}

/** One end of the comparison: a snapshot of the tool list, by when it was first seen and its hash. */
function SnapshotSelect({
  label,
  value,
  snapshots,
  onChange,
}: {
  label: string;
  value: string;
  snapshots: readonly Snapshot[];
  onChange: (hash: string) => void;
}) {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        {snapshots.map((s) => (
          <option key={s.hash} value={s.hash}>
            {`${formatTime(s.at)} · ${s.hash.slice(7, 15)}`}
          </option>
        ))}
      </select>
    </label>
  );
}

function Changed({ change }: { change: ToolChange }) {
  const schema = [
    ...change.input.map((c) => ({ ...c, where: 'input' })),
    ...change.output.map((c) => ({ ...c, where: 'output' })),
  ];
  return (
    <li class="diff-changed" data-testid="tool-changed" data-name={change.name}>
      <strong>
        <code>{change.name}</code> changed
      </strong>
      {change.breaking && <span class="pill bad">breaking</span>}
      {change.risky && <span class="pill warn">risky</span>}
      {change.description && (
        <div class={`desc-change desc-${change.description.level}`} data-testid="description-change">
          <span class="desc-label">
            Description {change.description.level === 'suspicious' ? '(suspicious: review it)' : 'changed'}
          </span>
          <Words from={change.description.from} to={change.description.to} />
          {change.description.signals.map((s) => (
            <p key={s.kind} class="small">
              {s.kind}: {s.detail}
            </p>
          ))}
        </div>
      )}
      {change.title && (
        <p>
          Title: {change.title.from ?? '–'} → {change.title.to ?? '–'}
        </p>
      )}
      {schema.length > 0 && (
        <ul class="small">
          {schema.map((c) => (
            <li key={`${c.where}${c.path}${c.what}`}>
              {c.where} <code>{c.path || '(root)'}</code>: {c.what} <span class="muted">({c.severity})</span>
            </li>
          ))}
        </ul>
      )}
      {change.annotations.length > 0 && (
        <ul class="small">
          {change.annotations.map((a) => (
            <li key={a.key}>
              <code>{a.key}</code>: {JSON.stringify(a.from)} → {JSON.stringify(a.to)}
              {a.risky && ' (riskier)'}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** What changed between two tool-list snapshots, chosen from those the monitor's events name. */
export function ToolDiffView({ snapshots }: { snapshots: Snapshot[] }) {
  const last = snapshots.length - 1;
  const [from, setFrom] = useState(snapshots[last - 1]?.hash ?? '');
  const [to, setTo] = useState(snapshots[last]?.hash ?? '');
  const [diff, setDiff] = useState<ToolDiff>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    setFrom(snapshots[last - 1]?.hash ?? '');
    setTo(snapshots[last]?.hash ?? '');
  }, [snapshots.map((s) => s.hash).join()]);
  useEffect(() => {
    if (!from || !to) return;
    api<{ diff: ToolDiff }>(
      `/tool-lists/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    ).then(
      (a) => {
        setDiff(a.diff);
        setError(undefined);
      },
      (e) => setError(errorText(e)),
    );
  }, [from, to]);
  if (snapshots.length < 2) {
    return (
      <section class="card" aria-labelledby="diff-title">
        <h2 id="diff-title">Tool changes</h2>
        <p class="muted" data-testid="tool-diff">
          The tool list has not changed since mcpwatch first saw it.
        </p>
      </section>
    );
  }
  const empty = diff && !diff.added.length && !diff.removed.length && !diff.changed.length;
  return (
    <section class="card" aria-labelledby="diff-title">
      <h2 id="diff-title">Tool changes</h2>
      <div class="toolbar">
        <SnapshotSelect label="From" value={from} snapshots={snapshots} onChange={setFrom} />
        <SnapshotSelect label="To" value={to} snapshots={snapshots} onChange={setTo} />
      </div>
      {error && <p class="error-box">{error}</p>}
      <ul class="tool-diff" data-testid="tool-diff">
        {empty && <li class="muted">The two lists are the same.</li>}
        {diff?.added.map((t) => (
          <li key={`+${t.name}`} class="diff-added" data-testid="tool-added" data-name={t.name}>
            <strong>
              + <code>{t.name}</code> added
            </strong>
            {t.description && <p class="pre-line">{t.description}</p>}
          </li>
        ))}
        {diff?.removed.map((name) => (
          <li key={`-${name}`} class="diff-removed" data-testid="tool-removed" data-name={name}>
            <strong>
              − <code>{name}</code> removed
            </strong>
          </li>
        ))}
        {diff?.changed.map((c) => (
          <Changed key={`~${c.name}`} change={c} />
        ))}
      </ul>
    </section>
  );
}
