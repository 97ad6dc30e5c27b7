import { fileURLToPath } from 'node:url';
import { type ExampleServer, startExampleServer } from './example-server.js';

export interface ExampleFleet {
  /** The bundled example config, whose `${...}` URLs `env` fills in. */
  configFile: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** The bundled mcpwatch.yaml that `npm start` watches. */
export const EXAMPLE_CONFIG = fileURLToPath(new URL('../../examples/mcpwatch.yaml', import.meta.url));

/**
 * `mcpwatch serve --example`: a well-behaved example MCP server and a flaky one on 127.0.0.1, and the
 * bundled config that watches them, so a newcomer sees up, degraded, down, recovered and a changed tool
 * description within the first two minutes.
 */
export async function startExampleFleet(): Promise<ExampleFleet> {
  const servers: ExampleServer[] = [];
  try {
    const good = await startExampleServer();
    servers.push(good);
    const flaky = await startExampleServer({ misbehave: true });
    servers.push(flaky);
    return {
      configFile: EXAMPLE_CONFIG,
      env: { EXAMPLE_MCP_URL: good.url, EXAMPLE_HEALTH_URL: good.healthUrl, FLAKY_MCP_URL: flaky.url },
      close: async () => {
        await Promise.allSettled(servers.map((s) => s.close()));
      },
    };
  } catch (error) {
    await Promise.allSettled(servers.map((s) => s.close()));
    throw error;
  }
}
