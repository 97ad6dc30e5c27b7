import { escapeXml as e } from './escape.js';
import type { PublicPage } from './page-data.js';

/**
 * The page's incidents as an Atom feed (RFC 4287): one entry per incident, its public updates in the content,
 * updated when its latest update or its resolution was. `pageUrl` is the page's absolute URL.
 */
export function renderFeed(page: PublicPage, pageUrl: string): string {
  const entries = page.incidents.map((incident) => {
    const times = [incident.openedAt, incident.resolvedAt, ...incident.updates.map((u) => u.at)].filter(
      (t): t is string => t !== null,
    );
    const updated = times.sort().at(-1) ?? incident.openedAt;
    const lines = [
      `<p>Opened ${incident.openedAt}${incident.resolvedAt ? `, resolved ${incident.resolvedAt}` : ''}</p>`,
      ...incident.updates.map((u) => `<p><strong>${u.status}</strong> (${u.at}): ${e(u.message)}</p>`),
    ].join('');
    return `<entry><id>${e(`${pageUrl}#incident-${incident.id}`)}</id><title>${e(
      `${incident.service}: ${incident.status}`,
    )}</title><updated>${updated}</updated><published>${incident.openedAt}</published><link rel="alternate" type="text/html" href="${e(
      pageUrl,
    )}"/><content type="html">${e(lines)}</content></entry>`;
  });
  const times = page.incidents.flatMap((i) => [
    i.openedAt,
    i.resolvedAt ?? i.openedAt,
    ...i.updates.map((u) => u.at),
  ]);
  // Stable while nothing happens: a feed reader sees no change until an incident does.
  const updated = times.sort().at(-1) ?? page.generatedAt;
  return `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><id>${e(pageUrl)}</id><title>${e(
    page.title,
  )}: incidents</title><updated>${updated}</updated><author><name>${e(page.title)}</name></author><link rel="self" type="application/atom+xml" href="${e(
    `${pageUrl}/feed.atom`,
  )}"/><link rel="alternate" type="text/html" href="${e(pageUrl)}"/>${entries.join('')}</feed>\n`;
}
