// Starts the loopback MCP servers, each in its own process, and controls them over IPC.
import { fileURLToPath } from 'node:url';
import { spawnChild } from './ipc.js';

const CHILD = fileURLToPath(new URL('./server-child.js', import.meta.url));

/** The servers under test: which SDK serves them and which eras they speak. */
export const SERVERS = {
  v2: { label: 'v2 SDK createMcpHandler (stateless)', eras: ['modern', 'legacy'] },
  v1: { label: 'v1 SDK StreamableHTTPServerTransport (sessions)', eras: ['legacy'] },
};

export async function startServer(kind) {
  const c = spawnChild(CHILD, [kind]);
  const { port } = await c.next('ready');
  return {
    kind,
    url: `http://127.0.0.1:${port}/mcp`,
    /** Requests seen since the last reset, keyed "HTTP-method rpc-method". */
    counts: async () => (await c.ask({ op: 'counts' })).counts,
    reset: () => c.ask({ op: 'reset' }),
    /** Holds every tools/list until release (for the in-flight memory figure). */
    hold: () => c.ask({ op: 'hold' }),
    held: async () => (await c.ask({ op: 'held' })).held,
    release: () => c.ask({ op: 'release' }),
    stop: c.stop,
  };
}
