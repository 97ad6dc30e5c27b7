import type { ToolInfo } from '../../api/types.ts';

/** The tools the server lists now, each with its description and schemas on demand. */
export function ToolList({ tools }: { tools: ToolInfo[] | null }) {
  return (
    <section class="card" aria-labelledby="tools-title">
      <h2 id="tools-title">Tools {tools && <span class="muted">({tools.length})</span>}</h2>
      {!tools && (
        <p class="muted">No tool list yet: the monitor has not reached an MCP server's tool list.</p>
      )}
      <ul class="tool-list" data-testid="tool-list">
        {tools?.map((tool) => (
          <li key={tool.name} data-testid="tool" data-name={tool.name}>
            <details>
              <summary>
                <code>{tool.name}</code>
                {tool.title && <span> · {tool.title}</span>}
                <span class="muted tool-desc"> {tool.description?.split('\n')[0]}</span>
              </summary>
              {tool.description && <p class="pre-line">{tool.description}</p>}
              <h3>Input schema</h3>
              <pre>{JSON.stringify(tool.inputSchema ?? {}, null, 2)}</pre>
              {tool.outputSchema !== undefined && (
                <>
                  <h3>Output schema</h3>
                  <pre>{JSON.stringify(tool.outputSchema, null, 2)}</pre>
                </>
              )}
              {tool.annotations !== undefined && (
                <>
                  <h3>Annotations</h3>
                  <pre>{JSON.stringify(tool.annotations, null, 2)}</pre>
                </>
              )}
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
