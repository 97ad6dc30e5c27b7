// The conformance suite's client under test: mcpwatch probes of the scenario's server, as monitors would
// run them. The suite appends the server URL and names the scenario and revision in the environment.
// A probe calls at most one tool, so a scenario that needs several calls gets one probe per call.
import { probeMcp } from '@mcpwatch/probe';

const url = process.argv.at(-1);
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
const version = process.env.MCP_CONFORMANCE_PROTOCOL_VERSION;
const base = {
  era: version ? (version === '2026-07-28' ? 'modern' : 'legacy') : 'auto',
  ...(version ? { protocolVersion: version } : {}),
  timeoutMs: 10_000,
};

/** Values that exercise header mirroring: plain, numeric, boolean, empty, and ones that need Base64. */
function sampleArguments(tool, nulls = false) {
  const args = {};
  for (const [name, schema] of Object.entries(tool.inputSchema?.properties ?? {})) {
    if (nulls && schema['x-mcp-header']) args[name] = null;
    else if (schema.type === 'integer') args[name] = 7;
    else if (schema.type === 'number') args[name] = 1.5;
    else if (schema.type === 'boolean') args[name] = name === 'debug';
    else if (name.includes('non_ascii')) args[name] = 'Grüße, 世界';
    else if (name.includes('whitespace')) args[name] = '  padded  ';
    else if (name.includes('leading')) args[name] = ' leading';
    else if (name.includes('trailing')) args[name] = 'trailing ';
    else if (name.includes('internal')) args[name] = 'a b c';
    else if (name.includes('empty')) args[name] = '';
    else args[name] = `${name}-value`;
  }
  return args;
}

async function probe(options) {
  const result = await probeMcp(url, { ...base, ...options });
  process.stderr.write(
    `${JSON.stringify({ status: result.status, reason: result.reason, message: result.message })}\n`,
  );
  return result;
}

const plans = {
  tools_call: async () => [await probe({ call: { tool: 'add_numbers', arguments: { a: 5, b: 3 } } })],
  // The server closes the tool call's stream after an event id; the reply comes on a resumed GET.
  'sse-retry': async () => [await probe({ call: { tool: 'test_reconnection' } })],
  'http-standard-headers': async () => [
    await probe({ listResources: true, listPrompts: true, call: { tool: 'test_headers' } }),
  ],
  'http-custom-headers': async () => {
    const listed = await probe({});
    const results = [listed];
    for (const tool of listed.mcp?.tools ?? []) {
      const nulls = tool.name.endsWith('_null');
      results.push(await probe({ call: { tool: tool.name, arguments: sampleArguments(tool, nulls) } }));
    }
    return results;
  },
  'http-invalid-tool-headers': async () => {
    // Every tool is tried; the probe itself must refuse the malformed ones and still call the valid one.
    const listed = await probe({});
    const results = [];
    for (const tool of listed.mcp?.tools ?? []) {
      const r = await probe({ call: { tool: tool.name, arguments: sampleArguments(tool) } });
      if (tool.name === 'valid_tool') results.push(r);
    }
    return results;
  },
};

const results = await (plans[scenario] ?? (async () => [await probe({})]))();
process.exit(results.some((r) => r.status === 'down') ? 1 : 0);
