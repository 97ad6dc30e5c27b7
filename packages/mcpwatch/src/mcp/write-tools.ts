import type { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import {
  incidentOf,
  incidentOut,
  monitorOf,
  monitorOut,
  probeOf,
  probeOut,
  windowOf,
  windowOut,
} from './shapes.js';
import { answer, guarded } from './tool-result.js';
import { NOTIFICATION_PRIORITIES, type ProbeTarget, type WatchApi } from './watch-api.js';

/**
 * Tools a write-scoped session sees: they change mcpwatch's state, tell people, or make requests on the
 * AI's say-so. Their annotations let a client ask before running the ones that silence or announce.
 */
export const WRITE_TOOLS = [
  'probe',
  'check_now',
  'acknowledge_incident',
  'pause_monitor',
  'resume_monitor',
  'send_notification',
] as const;

/** The longest pause an AI may ask for: a forgotten pause must not silence a monitor for good. */
export const MAX_PAUSE_MINUTES = 7 * 24 * 60;

function probeText(r: z.output<typeof probeOut>): string {
  const head = `${r.target}: ${r.status}${r.reason ? ` (${r.reason}${r.phase ? `, phase ${r.phase}` : ''})` : ''} in ${r.durationMs} ms — ${r.message}`;
  const proto = r.protocol
    ? `Protocol ${r.protocol.version ?? '?'} (${r.protocol.era ?? '?'}, ${r.protocol.transport}).`
    : '';
  const tools = r.tools ? `Tools: ${r.tools.map((t) => t.name).join(', ') || 'none'}.` : '';
  return [head, proto, tools].filter(Boolean).join('\n');
}

export function registerWriteTools(server: McpServer, api: WatchApi): void {
  server.registerTool(
    'probe',
    {
      title: 'Probe an MCP server now',
      description:
        'Probes an MCP server right now, as a real client would (connects, negotiates the protocol, lists tools), and returns the result: up/degraded/down, the reason code and failing phase, per-phase timings, the protocol agreed and the tool list. Give either `monitor` (a configured monitor, probed as defined, including stdio servers) or `url` (an http(s) MCP endpoint). Nothing is stored and no alert is raised: use check_now to check a monitor on its record.',
      inputSchema: z.object({
        monitor: z.string().optional().describe('A configured monitor, by name'),
        url: z
          .string()
          .optional()
          .describe('An http:// or https:// MCP endpoint, like https://example.com/mcp'),
        headers: z
          .record(z.string(), z.string())
          .optional()
          .describe('Request headers for `url` (an Authorization header, for one)'),
      }),
      outputSchema: z.object({ result: probeOut }),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    ({ monitor, url, headers }) =>
      guarded('probe', async () => {
        if ((monitor === undefined) === (url === undefined)) {
          return {
            isError: true,
            content: [
              {
                type: 'text',
                text: 'Give exactly one of `monitor` (a monitor name) or `url` (an http(s) URL).',
              },
            ],
          };
        }
        const target: ProbeTarget = monitor !== undefined ? { monitor } : { url: url as string, headers };
        const result = probeOf(await api.probe(target));
        return answer({ result }, probeText(result));
      }),
  );

  server.registerTool(
    'check_now',
    {
      title: 'Check a monitor now',
      description:
        "Runs a monitor's check now instead of waiting for its schedule. The result is stored like a scheduled one and may change the monitor's state (and so raise or resolve an alert). Returns the probe result and the monitor's state after it. Use it to confirm a fix.",
      inputSchema: z.object({ name: z.string().describe('The monitor name') }),
      outputSchema: z.object({ result: probeOut, monitor: monitorOut }),
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    ({ name }) =>
      guarded(`check "${name}"`, async () => {
        const outcome = await api.checkNow(name);
        const result = probeOf(outcome.result);
        const monitor = monitorOf(outcome.monitor);
        return answer({ result, monitor }, `${probeText(result)}\n${monitor.name} is now ${monitor.status}.`);
      }),
  );

  server.registerTool(
    'acknowledge_incident',
    {
      title: 'Acknowledge an incident',
      description:
        "Marks an incident acknowledged (someone is on it), recorded under the token's user. It does not resolve it and does not stop alerts of other monitors. Returns the incident.",
      inputSchema: z.object({
        id: z.number().int().positive().describe('The incident id, from list_incidents'),
      }),
      outputSchema: z.object({ incident: incidentOut }),
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    ({ id }) =>
      guarded(`acknowledge incident ${id}`, async () => {
        const incident = incidentOf(await api.acknowledgeIncident(id));
        return answer(
          { incident },
          `Incident ${id} (${incident.monitor}) acknowledged by ${incident.acknowledgedBy}.`,
        );
      }),
  );

  server.registerTool(
    'pause_monitor',
    {
      title: 'Pause a monitor for a while',
      description: `Puts a monitor in maintenance for durationMinutes (at most ${MAX_PAUSE_MINUTES}, a week): its alerts are held and its checks count as maintenance, not downtime. It is recorded as a maintenance window that ends by itself; resume_monitor ends it early. Use it before planned work on a server. Ask the user first: while paused, an outage of this server is not announced.`,
      inputSchema: z.object({
        name: z.string().describe('The monitor name'),
        durationMinutes: z.number().int().min(1).max(MAX_PAUSE_MINUTES).describe('How long, in minutes'),
        reason: z.string().max(200).optional().describe('Why, shown with the maintenance window'),
      }),
      outputSchema: z.object({ monitor: monitorOut, window: windowOut }),
      annotations: {
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    ({ name, durationMinutes, reason }) =>
      guarded(`pause "${name}"`, async () => {
        const outcome = await api.pauseMonitor(name, { durationMinutes, reason });
        const window = windowOf(outcome.window);
        return answer(
          { monitor: monitorOf(outcome.monitor), window },
          `${name} is in maintenance until ${window.end} (window ${window.id}, "${window.name}").`,
        );
      }),
  );

  server.registerTool(
    'resume_monitor',
    {
      title: 'Resume a paused monitor',
      description:
        'Ends a pause early: the maintenance windows pause_monitor opened for this monitor end now, and a monitor paused indefinitely (from the dashboard or the API) is checked again. Returns the monitor and what was ended.',
      inputSchema: z.object({ name: z.string().describe('The monitor name') }),
      outputSchema: z.object({ monitor: monitorOut, ended: z.array(windowOut), unpaused: z.boolean() }),
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    ({ name }) =>
      guarded(`resume "${name}"`, async () => {
        const outcome = await api.resumeMonitor(name);
        const ended = outcome.ended.map(windowOf);
        const text =
          ended.length === 0 && !outcome.unpaused
            ? `${name} was not paused; nothing changed.`
            : `${name} resumed${ended.length > 0 ? ` (ended ${ended.map((w) => `"${w.name}"`).join(', ')})` : ''}.`;
        return answer({ monitor: monitorOf(outcome.monitor), ended, unpaused: outcome.unpaused }, text);
      }),
  );

  server.registerTool(
    'send_notification',
    {
      title: 'Notify people',
      description:
        "Sends a message to people through mcpwatch's notification channels (Slack, e-mail, webhooks, …), delivered and recorded like any alert (retried, listed in deliveries). It is about one monitor and is written in that monitor's history. Give a channel by name, or none to let the alerting routes pick the channels. Ask the user first: it reaches people.",
      inputSchema: z.object({
        monitor: z.string().describe('The monitor the message is about'),
        title: z.string().min(1).max(200).describe('One line'),
        message: z.string().min(1).max(4000).describe('The body, plain text'),
        priority: z.enum(NOTIFICATION_PRIORITIES).optional().describe('Default normal'),
        channel: z.string().optional().describe('A channel name; default: the routes of mcpwatch.yaml'),
      }),
      outputSchema: z.object({ eventId: z.number(), channels: z.array(z.string()) }),
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    },
    (input) =>
      guarded('send the notification', async () => {
        const outcome = await api.sendNotification(input);
        const text =
          outcome.channels.length === 0
            ? `Recorded as event ${outcome.eventId}, but no channel takes it: name one (channel) or add a route.`
            : `Queued for ${outcome.channels.join(', ')} (event ${outcome.eventId}); see deliveries for the outcome.`;
        return answer({ eventId: outcome.eventId, channels: outcome.channels }, text);
      }),
  );
}
