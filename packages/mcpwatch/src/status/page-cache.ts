import { gzipSync } from 'node:zlib';
import type { StatusPage } from '../config/status-page-schema.js';
import { buildPublicPage, type PageSources, type PublicPage } from './page-data.js';
import { renderHtml } from './render-html.js';

/** A page built once and served many times: its data, its HTML and that HTML gzipped. */
export interface BuiltPage {
  data: PublicPage;
  json: string;
  html: Buffer;
  htmlGzip: Buffer;
  /** The monitors it shows: an event of one of them makes it stale. */
  monitorIds: ReadonlySet<number>;
  builtAt: number;
}

/** How long a built page is served before it is built again (sooner when one of its monitors has an event). */
export const PAGE_TTL_MS = 5000;

/**
 * Built pages by slug, with at most one build of a page running at once: a burst of requests on a cold page
 * waits for one build, not one each.
 */
export class PageCache {
  private readonly built = new Map<string, { page: StatusPage; value: BuiltPage }>();
  private readonly building = new Map<string, Promise<BuiltPage>>();

  constructor(
    private readonly sources: PageSources & { memberIds(page: StatusPage): number[] },
    private readonly now: () => number = Date.now,
  ) {}

  async get(page: StatusPage): Promise<BuiltPage> {
    const cached = this.built.get(page.slug);
    if (cached && cached.page === page && this.now() - cached.value.builtAt < PAGE_TTL_MS)
      return cached.value;
    let pending = this.building.get(page.slug);
    if (!pending) {
      pending = this.build(page).finally(() => this.building.delete(page.slug));
      this.building.set(page.slug, pending);
    }
    return pending;
  }

  /** A monitor had an event (a status change, an incident): the pages showing it are built again. */
  monitorChanged(monitorId: number): void {
    for (const [slug, entry] of this.built)
      if (entry.value.monitorIds.has(monitorId)) this.built.delete(slug);
  }

  /** Monitors, pages, windows or incident updates changed: every page is built again. */
  clear(): void {
    this.built.clear();
  }

  private async build(page: StatusPage): Promise<BuiltPage> {
    const now = this.now();
    const data = await buildPublicPage(page, this.sources, now);
    const html = Buffer.from(renderHtml(data, `/status/${page.slug}/feed.atom`));
    const value: BuiltPage = {
      data,
      json: JSON.stringify(data),
      html,
      htmlGzip: gzipSync(html, { level: 6 }),
      monitorIds: new Set(this.sources.memberIds(page)),
      builtAt: now,
    };
    this.built.set(page.slug, { page, value });
    return value;
  }
}
