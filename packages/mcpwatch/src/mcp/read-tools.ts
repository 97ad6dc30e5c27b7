import type { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import {
  eventOf,
  eventOut,
  incidentOf,
  incidentOut,
  monitorOf,
  monitorOut,
  resultOf,
  resultOut,
  STATUSES,
  toolOf,
  toolOut,
  uptimeOf,
  uptimeOut,
} from './shapes.js';
import { answer, guarded } from './tool-result.js';
import { UPTIME_WINDOWS, type WatchApi } from './watch-api.js';

/** Read tools change nothing and reach no server: any client may run them without asking. */
const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

export const READ_TOOLS = ['list_monitors', 'get_monitor', 'list_incidents', 'get_incident'] as const;

function line(m: z.output<typeof monitorOut>): string {
  const last = m.lastCheck;
  const why = last && m.status !== 'up' ? ` — ${last.reason ?? last.status}: ${last.message}` : '';
  const extra = m.maintenance ? ` [maintenance: ${m.maintenance}]` : '';
  return `${m.name} (${m.kind}) ${m.status} since ${m.since}${why}${extra}`;
}

export function registerReadTools(server: McpServer, api: WatchApi): void {
  server.registerTool(
    'list_monitors',
    {
      title: 'List monitors',
      description:
        'Lists the MCP servers and endpoints mcpwatch watches, each with its state (up, degraded, down, paused, pending), since when, and its last check (reason and message when it failed). Use it first to answer "what is down?" or to find a monitor\'s exact name; filter by status, group or tag.',
      inputSchema: z.object({
        status: z.enum(STATUSES).optional().describe('Only monitors in this state'),
        group: z.string().optional().describe('Only monitors of this group'),
        tag: z.string().optional().describe('Only monitors with this tag'),
        q: z.string().optional().describe('Only monitors whose name or target contains this text'),
      }),
      outputSchema: z.object({ count: z.number(), monitors: z.array(monitorOut) }),
      annotations: READ_ONLY,
    },
    ({ status, group, tag, q }) =>
      guarded('list the monitors', async () => {
        const monitors = (await api.listMonitors({ status, group, tag, q })).map(monitorOf);
        const text = monitors.length === 0 ? 'No monitor matches.' : monitors.map(line).join('\n');
        return answer({ count: monitors.length, monitors }, text);
      }),
  );

  server.registerTool(
    'get_monitor',
    {
      title: 'Get one monitor',
      description:
        'Everything about one monitor by name: its state, the last stored result (reason code and per-phase timings), uptime over 24h/7d/30d, recent events (down, recovered, tools changed, …), the tool list its server exported at the last check that reached it, and its open incident. Use it to explain why a server is down or what changed.',
      inputSchema: z.object({
        name: z.string().describe('The monitor name, as list_monitors shows it'),
        recentEvents: z
          .number()
          .int()
          .min(0)
          .max(100)
          .optional()
          .describe('How many recent events (default 10)'),
      }),
      outputSchema: z.object({
        monitor: monitorOut,
        lastResult: resultOut.nullable(),
        uptime: z.object(
          Object.fromEntries(UPTIME_WINDOWS.map((w) => [w, uptimeOut])) as Record<
            (typeof UPTIME_WINDOWS)[number],
            typeof uptimeOut
          >,
        ),
        recentEvents: z.array(eventOut),
        tools: z.object({ hash: z.string().nullable(), list: z.array(toolOut).nullable() }),
        openIncident: incidentOut.nullable(),
      }),
      annotations: READ_ONLY,
    },
    ({ name, recentEvents }) =>
      guarded(`read monitor "${name}"`, async () => {
        const detail = await api.getMonitor(name, recentEvents === undefined ? {} : { recentEvents });
        const monitor = monitorOf(detail.monitor);
        const structured = {
          monitor,
          lastResult: detail.lastResult && resultOf(detail.lastResult),
          uptime: Object.fromEntries(UPTIME_WINDOWS.map((w) => [w, uptimeOf(detail.uptime[w])])),
          recentEvents: detail.recentEvents.map(eventOf),
          tools: { hash: detail.tools.hash, list: detail.tools.list?.map(toolOf) ?? null },
          openIncident: detail.openIncident && incidentOf({ ...detail.openIncident, monitor: monitor.name }),
        };
        const day = detail.uptime['24h']?.uptime;
        const text = [
          line(monitor),
          day === null || day === undefined
            ? 'Uptime 24h: no data.'
            : `Uptime 24h: ${(day * 100).toFixed(2)}%.`,
          detail.tools.list ? `Tools: ${detail.tools.list.map((t) => t.name).join(', ') || 'none'}.` : '',
          detail.openIncident ? `Open incident ${detail.openIncident.id}.` : '',
        ]
          .filter(Boolean)
          .join('\n');
        return answer(structured, text);
      }),
  );

  server.registerTool(
    'list_incidents',
    {
      title: 'List incidents',
      description:
        'Lists incidents (a monitor went down and stayed down), newest first, with when they opened, whether they are resolved, their cause and who acknowledged them. Filter by monitor name or open=true for the ones still going on.',
      inputSchema: z.object({
        monitor: z.string().optional().describe('Only incidents of this monitor'),
        open: z.boolean().optional().describe('true: only open incidents; false: only resolved ones'),
        limit: z.number().int().min(1).max(200).optional().describe('At most this many (default 20)'),
      }),
      outputSchema: z.object({ count: z.number(), incidents: z.array(incidentOut) }),
      annotations: READ_ONLY,
    },
    ({ monitor, open, limit }) =>
      guarded('list the incidents', async () => {
        const incidents = (await api.listIncidents({ monitor, open, limit: limit ?? 20 })).map(incidentOf);
        const text =
          incidents.length === 0
            ? 'No incident matches.'
            : incidents
                .map(
                  (i) =>
                    `#${i.id} ${i.monitor} ${i.open ? 'OPEN' : 'resolved'} since ${i.openedAt}${i.cause ? `: ${i.cause}` : ''}${i.acknowledgedBy ? ` (acknowledged by ${i.acknowledgedBy})` : ''}`,
                )
                .join('\n');
        return answer({ count: incidents.length, incidents }, text);
      }),
  );

  server.registerTool(
    'get_incident',
    {
      title: 'Get one incident',
      description:
        'One incident by id, with its timeline: the events of its monitor while it was open, oldest first. Use it to tell the story of an outage.',
      inputSchema: z.object({
        id: z.number().int().positive().describe('The incident id, from list_incidents'),
      }),
      outputSchema: z.object({ incident: incidentOut, timeline: z.array(eventOut) }),
      annotations: READ_ONLY,
    },
    ({ id }) =>
      guarded(`read incident ${id}`, async () => {
        const { incident, timeline } = await api.getIncident(id);
        const shaped = incidentOf(incident);
        const text = [
          `#${shaped.id} ${shaped.monitor} ${shaped.open ? 'OPEN' : `resolved at ${shaped.resolvedAt}`}, opened ${shaped.openedAt}${shaped.cause ? `: ${shaped.cause}` : ''}`,
          ...timeline.map((e) => `${new Date(e.at).toISOString()} ${e.kind}`),
        ].join('\n');
        return answer({ incident: shaped, timeline: timeline.map(eventOf) }, text);
      }),
  );
}
