import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import { monitorOf, resultOf } from './shapes.js';
import { summarize, summaryText } from './status-summary.js';
import { type WatchApi, WatchError } from './watch-api.js';

export const STATUS_URI = 'mcpwatch://status';
export const MONITOR_URI = 'mcpwatch://monitors/{name}';

const json = (uri: string, value: unknown) => ({
  contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }],
});

/**
 * Resources for clients that browse rather than call tools: the status summary, and each monitor's latest
 * result (listed, one per monitor). Read-only, so every scope sees them.
 */
export function registerResources(server: McpServer, api: WatchApi): void {
  server.registerResource(
    'status',
    STATUS_URI,
    {
      title: 'mcpwatch status',
      description: 'Monitors by state, what is down or degraded and why, and the open incidents.',
      mimeType: 'application/json',
    },
    async (uri) => {
      const [monitors, open] = await Promise.all([
        api.listMonitors(),
        api.listIncidents({ open: true, limit: 200 }),
      ]);
      const summary = summarize(monitors, open);
      return json(uri.href, { ...summary, text: summaryText(summary) });
    },
  );

  server.registerResource(
    'monitor',
    new ResourceTemplate(MONITOR_URI, {
      list: async () => ({
        resources: (await api.listMonitors()).map((m) => ({
          uri: `mcpwatch://monitors/${encodeURIComponent(m.name)}`,
          name: m.name,
          title: `${m.name} (${m.status})`,
          description: `Latest result of ${m.kind} monitor ${m.name}`,
          mimeType: 'application/json',
        })),
      }),
    }),
    {
      title: 'Monitor latest result',
      description: "A monitor's state and its newest stored result (reason code and per-phase timings).",
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const name = decodeURIComponent(String(variables.name));
      try {
        const detail = await api.getMonitor(name, { recentEvents: 0 });
        return json(uri.href, {
          monitor: monitorOf(detail.monitor),
          lastResult: detail.lastResult && resultOf(detail.lastResult),
        });
      } catch (error) {
        // A resource read has no isError: the message goes out as a protocol error the client shows.
        if (error instanceof WatchError) throw new Error(error.message);
        throw error;
      }
    },
  );
}
