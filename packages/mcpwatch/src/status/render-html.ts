import { escapeXml as e } from './escape.js';
import type { Bar, BarStatus, OverallStatus, PublicPage, PublicService, PublicStatus } from './page-data.js';

const OVERALL: Record<OverallStatus, string> = {
  operational: 'All systems operational',
  degraded: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  maintenance: 'Under maintenance',
  unknown: 'Status unknown',
};

const SERVICE: Record<PublicStatus, string> = {
  up: 'Operational',
  degraded: 'Degraded',
  down: 'Outage',
  maintenance: 'Maintenance',
  unknown: 'Unknown',
};

const INCIDENT: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

/** One small stylesheet; colours follow the reader's light or dark preference. */
const CSS = `:root{--bg:#fff;--fg:#1b1f24;--mute:#5b6470;--line:#e3e6ea;--card:#f7f8fa;--up:#2da44e;--degraded:#d4a72c;--down:#cf222e;--maintenance:#3b82f6;--none:#d0d5db;--unknown:#8c959f}
@media(prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mute:#9198a1;--line:#30363d;--card:#161b22;--none:#30363d}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:52rem;margin:0 auto;padding:1.5rem 1rem 3rem}h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:2rem 0 .75rem}
p,small,time{color:var(--mute)}.banner{padding:1rem 1.25rem;border-radius:.5rem;color:#fff;font-weight:600;font-size:1.1rem;margin:1.25rem 0}
.s-operational,.s-up{background:var(--up)}.s-degraded{background:var(--degraded)}.s-partial_outage,.s-major_outage,.s-down{background:var(--down)}.s-maintenance{background:var(--maintenance)}.s-unknown{background:var(--unknown)}
ul{list-style:none;margin:0;padding:0}.svc{border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem;margin:0 0 .5rem}
.row{display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap}.st{font-size:.85rem;font-weight:600}.st.up{color:var(--up)}.st.degraded{color:var(--degraded)}.st.down{color:var(--down)}.st.maintenance{color:var(--maintenance)}.st.unknown{color:var(--unknown)}
svg.bars{display:block;width:100%;height:2rem;margin:.4rem 0 .1rem}.u{fill:var(--up)}.g{fill:var(--degraded)}.d{fill:var(--down)}.m{fill:var(--maintenance)}.n{fill:var(--none)}.gap{fill:var(--bg)}
.meta{display:flex;justify-content:space-between;font-size:.8rem;color:var(--mute)}.card{background:var(--card);border-radius:.5rem;padding:.75rem 1rem;margin:0 0 .75rem}
.card h3{font-size:1rem;margin:0}.card ol{margin:.5rem 0 0;padding-left:1.1rem}.card li{margin:.25rem 0}footer{margin-top:2rem;font-size:.8rem;color:var(--mute)}a{color:inherit}.defs{position:absolute}`;

const CLASS: Record<BarStatus, string> = { up: 'u', degraded: 'g', down: 'd', maintenance: 'm', none: 'n' };

/**
 * 90 days in one small SVG: consecutive days of one colour are one run of a path, and a pattern drawn once
 * per page cuts the runs into daily segments, so a page of fifty services stays a few dozen kilobytes.
 */
function bars(list: readonly Bar[], label: string): string {
  const runs = new Map<string, string>();
  let i = 0;
  while (i < list.length) {
    const status = (list[i] as Bar).status;
    let j = i + 1;
    while (j < list.length && (list[j] as Bar).status === status) j++;
    const cls = CLASS[status];
    runs.set(cls, `${runs.get(cls) ?? ''}M${i} 0h${j - i}v1h-${j - i}z`);
    i = j;
  }
  const paths = [...runs].map(([cls, d]) => `<path class="${cls}" d="${d}"/>`).join('');
  return `<svg class="bars" viewBox="0 0 ${list.length} 1" preserveAspectRatio="none" role="img" aria-label="${e(label)}">${paths}<rect width="${list.length}" height="1" fill="url(#day)"/></svg>`;
}

const percent = (v: number | null) =>
  v === null ? 'no data' : `${(Math.floor(v * 10_000) / 100).toFixed(2)}%`;

function service(s: PublicService): string {
  const extra = [
    s.latencyMs != null ? `${Math.round(s.latencyMs)} ms` : '',
    s.reason ? e(s.reason) : '',
    s.url ? `<a href="${e(s.url)}" rel="nofollow">${e(s.url)}</a>` : '',
  ].filter(Boolean);
  return `<li class="svc"><div class="row"><strong>${e(s.name)}</strong><span class="st ${s.status}">${SERVICE[s.status]}</span></div>${
    extra.length ? `<small>${extra.join(' · ')}</small>` : ''
  }${bars(s.bars, `${s.name}: ${percent(s.uptime['90d'])} uptime over 90 days`)}<div class="meta"><span>90 days ago</span><span>${s.uptime['90d'] === null ? 'no data' : `${percent(s.uptime['90d'])} uptime`}</span><span>Today</span></div></li>`;
}

const time = (at: string) => `<time datetime="${at}">${at.slice(0, 16).replace('T', ' ')} UTC</time>`;

/** The page as HTML: no script, one inline stylesheet, every chosen string escaped. */
export function renderHtml(page: PublicPage, feedHref: string): string {
  const incidents = page.incidents
    .map(
      (i) =>
        `<div class="card"><h3>${e(i.service)}: ${INCIDENT[i.status]}</h3><small>${time(i.openedAt)}${
          i.resolvedAt ? ` – ${time(i.resolvedAt)}` : ''
        }${i.cause ? ` · ${e(i.cause)}` : ''}</small>${
          i.updates.length
            ? `<ol>${i.updates
                .map(
                  (u) => `<li><strong>${INCIDENT[u.status]}</strong> ${time(u.at)}<br>${e(u.message)}</li>`,
                )
                .join('')}</ol>`
            : ''
        }</div>`,
    )
    .join('');
  const maintenance = page.maintenance
    .map(
      (m) =>
        `<div class="card"><h3>${e(m.name)}${m.ongoing ? ' (in progress)' : ''}</h3><small>${time(m.start)} – ${time(
          m.end,
        )}</small><p>${m.services.map(e).join(', ')}</p></div>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><title>${e(
    page.title,
  )}</title><link rel="alternate" type="application/atom+xml" title="${e(page.title)} incidents" href="${e(
    feedHref,
  )}"><style>${CSS}</style></head><body><svg class="defs" width="0" height="0" aria-hidden="true"><pattern id="day" width="1" height="1" patternUnits="userSpaceOnUse"><rect class="gap" x=".8" width=".2" height="1"/></pattern></svg><main><h1>${e(
    page.title,
  )}</h1>${page.description ? `<p>${e(page.description)}</p>` : ''}<div class="banner s-${page.status}">${
    OVERALL[page.status]
  }</div>${maintenance ? `<h2>Scheduled maintenance</h2>${maintenance}` : ''}<ul>${page.services
    .map(service)
    .join(
      '',
    )}</ul><h2>Incidents</h2>${incidents || '<p>No incidents in the last 30 days.</p>'}<footer>Updated ${time(
    page.generatedAt,
  )} · <a href="${e(feedHref)}">Atom feed</a> · Powered by mcpwatch</footer></main></body></html>`;
}

export { CSS, OVERALL, SERVICE };
