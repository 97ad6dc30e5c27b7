// Follows Prometheus Alertmanager's API v2, postAlerts in api/v2/openapi.yaml
// (https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml) and "Sending alerts"
// (https://prometheus.io/docs/alerting/latest/clients/): labels identify an alert and deduplicate it,
// annotations are replaced by the latest post, an omitted endsAt means "resolve after resolve_timeout
// unless re-sent", and a past endsAt resolves the alert.
import { z } from 'zod';
import { sendHttp } from '../http-send.js';
import type { HttpRequest, Notification, Notifier } from '../notifier.js';
import { httpUrl } from './http-url.js';

const config = z
  .object({
    url: httpUrl('give the http(s) base URL of Alertmanager, e.g. http://alertmanager:9093').describe(
      'Alertmanager base URL (with its --web.route-prefix, if any); /api/v2/alerts is added.',
    ),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .describe('Extra request headers, e.g. Authorization for an auth proxy in front of Alertmanager.'),
    activeForMin: z
      .number()
      .int()
      .positive()
      .default(10_080)
      .describe(
        "A firing alert's endsAt, this long after the event (each reminder extends it); the resolve ends it.",
      ),
  })
  .strict();

export type AlertmanagerConfig = z.output<typeof config>;

/** One alert as postAlerts takes it. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

/** The alertname of every incident, firing or resolved: see the comment on `alertmanager`. */
export const INCIDENT_ALERTNAME = 'MCPWatchIncident';

export type AlertmanagerSeverity = 'critical' | 'warning' | 'info';

/** mcpwatch's 1–10 onto the severities Alertmanager routes conventionally match on. */
export function severityOf(priority: number): AlertmanagerSeverity {
  if (priority >= 8) return 'critical';
  if (priority >= 5) return 'warning';
  return 'info';
}

/** `tools_changed` → `MCPWatchToolsChanged`: an alertname per informational kind. */
export function alertnameOf(kind: string): string {
  const words = kind.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return `MCPWatch${words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join('')}`;
}

/**
 * The identifying labels. Alertmanager matches a resolve to its alert by the exact label set, and the
 * resolve knows only the incident (its dedupKey), not the kind or severity that opened it (an incident
 * can even open degraded and turn down). So an incident's labels are what stays fixed for its whole life:
 * one alertname, the monitor, its group and the incident key; what changes (kind, severity, text) is
 * in annotations. Informational events have no resolve, so their labels can name the kind and severity.
 */
function labelsOf(n: Notification): Record<string, string> {
  const monitor = { monitor: n.monitor.name, ...(n.monitor.group ? { group: n.monitor.group } : {}) };
  if (n.state === 'info') {
    return {
      alertname: alertnameOf(n.kind),
      ...monitor,
      severity: severityOf(n.priority),
      mcpwatch_kind: n.kind,
      event: n.dedupKey,
    };
  }
  return { alertname: INCIDENT_ALERTNAME, ...monitor, incident: n.dedupKey };
}

/**
 * Alertmanager: one alert per post. An incident fires with an explicit endsAt `activeForMin` ahead,
 * because an alert posted without one resolves itself after Alertmanager's resolve_timeout (5 minutes by
 * default) unless re-posted, and mcpwatch does not re-post every few minutes as Prometheus does; the
 * resolve posts the same labels with endsAt at the recovery. An informational alert omits endsAt, so
 * Alertmanager notifies once and lets it lapse.
 */
export const alertmanager = {
  type: 'alertmanager',
  description: 'Posts alerts to a Prometheus Alertmanager (API v2), resolving them when the incident ends.',
  config,
  render(n, c): HttpRequest {
    const annotations = {
      summary: n.title,
      description: n.body,
      severity: severityOf(n.priority),
      mcpwatch_kind: n.kind,
      target: n.monitor.target,
    };
    const alert: AlertmanagerAlert = { labels: labelsOf(n), annotations };
    if (n.state === 'resolved') {
      // startsAt is left out: Alertmanager keeps the firing post's, the earliest it has seen.
      alert.endsAt = n.at;
    } else {
      alert.startsAt = n.at;
      if (n.state === 'firing') {
        alert.endsAt = new Date(Date.parse(n.at) + c.activeForMin * 60_000).toISOString();
      }
    }
    if (n.link) alert.generatorURL = n.link;
    return {
      method: 'POST',
      url: `${c.url.replace(/\/+$/, '')}/api/v2/alerts`,
      headers: { ...c.headers, 'content-type': 'application/json', 'user-agent': 'mcpwatch' },
      body: JSON.stringify([alert]),
    };
  },
  send(request, _c, signal) {
    return sendHttp(request, signal);
  },
} satisfies Notifier<AlertmanagerConfig, HttpRequest>;
