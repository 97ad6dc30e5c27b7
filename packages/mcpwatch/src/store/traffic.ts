/** Traffic reported by `mcpwatch wrap`: one row per report, kept as long as raw results. */
import type { Kysely } from 'kysely';
import type { TrafficReport } from '../traffic/report-schema.js';
import type { Database } from './schema.js';
import type { Range, TrafficRow } from './store.js';

export async function addTraffic(db: Kysely<Database>, monitorId: number, report: TrafficReport) {
  await db
    .insertInto('traffic')
    .values({
      monitor_id: monitorId,
      from_at: report.from,
      to_at: report.to,
      server: report.server,
      requests: report.requests,
      errors: report.errors,
      tools: JSON.stringify(report.tools),
    })
    .execute();
}

/** Reports whose interval ended within the range, oldest first; a bounded number (a day of minutes). */
export async function listTraffic(
  db: Kysely<Database>,
  monitorId: number,
  range: Range,
  limit = 1440,
): Promise<TrafficRow[]> {
  const rows = await db
    .selectFrom('traffic')
    .selectAll()
    .where('monitor_id', '=', monitorId)
    .where('to_at', '>', range.from)
    .where('to_at', '<=', range.to)
    .orderBy('to_at', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({
    from: Number(r.from_at),
    to: Number(r.to_at),
    server: r.server,
    requests: Number(r.requests),
    errors: Number(r.errors),
    tools: JSON.parse(r.tools) as TrafficReport['tools'],
  }));
}
