// A minimal legacy-era MCP server over stdio, for fixtures that misbehave in one way and are correct
// otherwise. It answers server/discover with "method not found", so the probe falls back to initialize.
import { createInterface } from 'node:readline';

export const TOOLS = [{ name: 'echo', description: 'Echo', inputSchema: { type: 'object' } }];

export function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** The well-behaved answer to one message; returns nothing for notifications and replies. */
export function answer(message) {
  const { id, method } = message;
  if (id === undefined || method === undefined) return;
  if (method === 'initialize') {
    return send({
      jsonrpc: '2.0',
      id,
      result: {
        protocolVersion: '2025-11-25',
        capabilities: { tools: {} },
        serverInfo: { name: 'stdio-fixture', version: '1' },
      },
    });
  }
  if (method === 'tools/list') return send({ jsonrpc: '2.0', id, result: { tools: TOOLS } });
  if (method === 'ping') return send({ jsonrpc: '2.0', id, result: {} });
  send({ jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } });
}

/** Reads one JSON message per line and hands it to `handle`; exits when stdin closes, as servers do. */
export function serve(handle = answer) {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    handle(message);
  });
  lines.on('close', () => process.exit(0));
}
