import { gzipSync } from 'node:zlib';
import type { StatusPage } from '../config/status-page-schema.js';
import { buildPublicPage, type PageSources, type PublicPage } from './page-data.js';
import { renderHtml } from './render-html.js';

/** A page built once and served many times: its data, its HTML and that HTML gzipped. */
export interface BuiltPage {
  data: PublicPage;
  json: Buffer;
  jsonGzip: Buffer;
  html: Buffer;
  htmlGzip: Buffer;
  /** The monitors it shows: an event of one of them makes it stale. */
  monitorIds: ReadonlySet<number>;
  builtAt: number;
}

/** How long a built page is served before it is built again (sooner when one of its monitors has an event). */
export const PAGE_TTL_MS = 5000;

interface Entry {
  page: StatusPage;
  value: BuiltPage;
  /** Something it shows changed: served once more while the new one is built. */
  stale: boolean;
}

/**
 * Built pages by slug. A page past its time, or one whose monitors had an event, is served as it is while it is
 * built again in the background, so no visitor waits for a build but the first; at most one build of a page
 * runs at once. A page whose definition changed is never served from the old one.
 */
export class PageCache {
  private readonly built = new Map<string, Entry>();
  private readonly building = new Map<string, { page: StatusPage; pending: Promise<BuiltPage> }>();
  /** The monitors of each build in flight, and the builds whose data changed while they read it. */
  private readonly buildingIds = new Map<string, ReadonlySet<number>>();
  private readonly outdated = new Set<string>();

  constructor(
    private readonly sources: PageSources & { memberIds(page: StatusPage): number[] },
    private readonly now: () => number = Date.now,
  ) {}

  async get(page: StatusPage): Promise<BuiltPage> {
    const cached = this.built.get(page.slug);
    if (cached?.page !== page) return this.refresh(page);
    if (cached.stale || this.now() - cached.value.builtAt >= PAGE_TTL_MS) {
      // The old page answers; a build that fails leaves it in place and is tried again on the next request.
      this.refresh(page).catch(() => {});
    }
    return cached.value;
  }

  /** A monitor had an event (a status change, an incident): the pages showing it are built again. */
  monitorChanged(monitorId: number): void {
    for (const entry of this.built.values()) if (entry.value.monitorIds.has(monitorId)) entry.stale = true;
    for (const [slug, ids] of this.buildingIds) if (ids.has(monitorId)) this.outdated.add(slug);
  }

  /** Monitors, windows or incident updates changed: every page is built again. */
  clear(): void {
    for (const entry of this.built.values()) entry.stale = true;
    for (const slug of this.buildingIds.keys()) this.outdated.add(slug);
  }

  private refresh(page: StatusPage): Promise<BuiltPage> {
    const running = this.building.get(page.slug);
    // A build of an older definition is not joined: its page would show what was just changed.
    if (running?.page === page) return running.pending;
    const pending = this.build(page).finally(() => {
      if (this.building.get(page.slug)?.pending === pending) this.building.delete(page.slug);
    });
    this.building.set(page.slug, { page, pending });
    return pending;
  }

  private async build(page: StatusPage): Promise<BuiltPage> {
    const now = this.now();
    const monitorIds = new Set(this.sources.memberIds(page));
    this.buildingIds.set(page.slug, monitorIds);
    this.outdated.delete(page.slug);
    let data: PublicPage;
    try {
      data = await buildPublicPage(page, this.sources, now);
    } finally {
      this.buildingIds.delete(page.slug);
    }
    const html = Buffer.from(renderHtml(data, `/status/${page.slug}/feed.atom`));
    const json = Buffer.from(JSON.stringify(data));
    const value: BuiltPage = {
      data,
      json,
      jsonGzip: gzipSync(json, { level: 6 }),
      html,
      htmlGzip: gzipSync(html, { level: 6 }),
      monitorIds,
      builtAt: now,
    };
    // Something changed while it was read: it is served, and built again at the next request.
    this.built.set(page.slug, { page, value, stale: this.outdated.delete(page.slug) });
    return value;
  }
}
