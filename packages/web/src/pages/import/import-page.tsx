import { useState } from 'preact/hooks';
import { ApiError, api } from '../../api/client.ts';
import { DataTable } from '../../components/data-table.tsx';
import { type ImportedServer, parseMcpJson } from '../../forms/mcp-json.ts';
import { Link } from '../../router.tsx';
import '../edit/forms.css';

type Outcome = { state: 'created'; id: number } | { state: 'exists' | 'failed'; reason: string };

const EXAMPLE = `{
  "mcpServers": {
    "files": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/srv"] },
    "notes": { "type": "http", "url": "https://notes.example.com/mcp" }
  }
}`;

function targetText(monitor: Record<string, unknown>): string {
  const target = monitor.target;
  if (typeof target === 'string') return target;
  const t = target as { command: string; args?: string[] };
  return [t.command, ...(t.args ?? [])].join(' ');
}

/** `/import`: paste an MCP client config, pick its servers, and create a monitor for each. */
export function ImportPage() {
  const [text, setText] = useState('');
  const [servers, setServers] = useState<ImportedServer[]>();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string>();
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [busy, setBusy] = useState(false);

  const preview = (value: string) => {
    setText(value);
    setOutcomes({});
    if (value.trim() === '') {
      setServers(undefined);
      setError(undefined);
      return;
    }
    try {
      const found = parseMcpJson(value);
      setServers(found);
      setChosen(new Set(found.filter((s) => !s.error && s.monitor.enabled !== false).map((s) => s.name)));
      setError(undefined);
    } catch (e) {
      setServers(undefined);
      setError((e as Error).message);
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!servers) return;
    setBusy(true);
    const results: Record<string, Outcome> = {};
    // One at a time, in the file's order, so the report reads like the list.
    for (const server of servers.filter((s) => chosen.has(s.name))) {
      try {
        const answer = await api<{ monitor: { id: number } }>('/monitors', {
          method: 'POST',
          body: server.monitor,
        });
        results[server.name] = { state: 'created', id: answer.monitor.id };
      } catch (e) {
        const exists = e instanceof ApiError && e.status === 409;
        results[server.name] = { state: exists ? 'exists' : 'failed', reason: (e as Error).message };
      }
      setOutcomes({ ...results });
    }
    setBusy(false);
  };

  const toggle = (name: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(name);
    else next.delete(name);
    setChosen(next);
  };
  const done = Object.values(outcomes);

  return (
    <section class="page">
      <h1>Import from an MCP client</h1>
      <p class="muted">
        Paste a Claude Desktop, Claude Code, Cursor, Windsurf or VS Code <code>mcp.json</code>. Secrets stay
        out of the monitors: literal tokens become <code>{'${NAME}'}</code> references the service reads from
        its environment. A stdio server's command runs on the host of mcpwatch, so it must be installed there.
      </p>
      <form class="form" onSubmit={submit}>
        <div class="field">
          <label for="import-text">Client config (JSON)</label>
          <textarea
            id="import-text"
            name="mcpjson"
            rows={10}
            spellcheck={false}
            placeholder={EXAMPLE}
            value={text}
            onInput={(e) => preview((e.currentTarget as HTMLTextAreaElement).value)}
            aria-describedby={error ? 'import-error' : undefined}
            aria-invalid={error ? true : undefined}
          />
        </div>
        <div aria-live="polite">
          {error && (
            <p class="error-box" id="import-error">
              {error}
            </p>
          )}
        </div>
        {servers && (
          <fieldset data-testid="import-preview">
            <legend>
              {servers.length} server{servers.length === 1 ? '' : 's'} found
            </legend>
            <DataTable headings={['Create', 'Name', 'Target', 'Result']}>
              {servers.map((server) => {
                const outcome = outcomes[server.name];
                return (
                  <tr key={server.name} data-testid="import-row" data-name={server.name}>
                    <td>
                      <input
                        type="checkbox"
                        id={`import-${server.name}`}
                        checked={chosen.has(server.name)}
                        disabled={busy || server.error !== undefined}
                        onChange={(e) => toggle(server.name, (e.currentTarget as HTMLInputElement).checked)}
                      />
                    </td>
                    <td>
                      <label for={`import-${server.name}`}>{server.name}</label>
                      {server.monitor.enabled === false && <span class="tag">disabled in the client</span>}
                    </td>
                    <td>
                      {server.error ? (
                        <span class="field-error">{server.error}</span>
                      ) : (
                        <code>{targetText(server.monitor)}</code>
                      )}
                      {server.notes.map((note) => (
                        <p key={note} class="hint muted">
                          {note}
                        </p>
                      ))}
                    </td>
                    <td data-testid="import-result" data-state={outcome?.state}>
                      {outcome?.state === 'created' && <Link href={`/monitors/${outcome.id}`}>created</Link>}
                      {outcome?.state === 'exists' && <span title={outcome.reason}>already exists</span>}
                      {outcome?.state === 'failed' && (
                        <span class="field-error">failed: {outcome.reason}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </DataTable>
          </fieldset>
        )}
        <div aria-live="polite" role="status">
          {done.length > 0 && !busy && (
            <p>
              {done.filter((o) => o.state === 'created').length} created,{' '}
              {done.filter((o) => o.state === 'exists').length} already existed,{' '}
              {done.filter((o) => o.state === 'failed').length} failed.
            </p>
          )}
        </div>
        <div class="form-actions">
          <button
            type="submit"
            class="primary"
            data-testid="import-submit"
            disabled={busy || !servers || chosen.size === 0}
          >
            {busy ? 'Creating…' : `Create ${chosen.size} monitor${chosen.size === 1 ? '' : 's'}`}
          </button>
        </div>
      </form>
    </section>
  );
}
