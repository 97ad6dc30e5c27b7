import { type StatusPage, statusPageSchema } from '../config/status-page-schema.js';
import type { Store } from '../store/index.js';

export const PAGE_READ_ONLY = 'defined in mcpwatch.yaml: edit the file, it is reloaded on save';

export interface PageEntry {
  page: StatusPage;
  source: 'file' | 'api';
  /** Pages from mcpwatch.yaml are edited there; the API says so. */
  readOnly: string | null;
}

/** API pages are read again after this long, so a page changed by another process sharing PostgreSQL shows. */
const API_PAGES_TTL_MS = 5000;

/**
 * Every status page: the file's, then those created through the API (a slug the file has wins). API pages are
 * kept in memory and read again after a change here or after a few seconds.
 */
export class StatusPageDirectory {
  private api: StatusPage[] = [];
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly filePages: () => readonly StatusPage[],
    private readonly now: () => number = Date.now,
  ) {}

  /** After a page is created, replaced or deleted through the API. */
  changed(): void {
    this.readAt = Number.NEGATIVE_INFINITY;
  }

  async list(): Promise<PageEntry[]> {
    if (this.now() - this.readAt > API_PAGES_TTL_MS) {
      this.reading ??= this.read().finally(() => {
        this.reading = undefined;
      });
      await this.reading;
    }
    const file = this.filePages();
    const slugs = new Set(file.map((p) => p.slug));
    return [
      ...file.map((page) => ({ page, source: 'file' as const, readOnly: PAGE_READ_ONLY })),
      ...this.api
        .filter((p) => !slugs.has(p.slug))
        .map((page) => ({ page, source: 'api' as const, readOnly: null })),
    ];
  }

  async get(slug: string): Promise<PageEntry | undefined> {
    return (await this.list()).find((e) => e.page.slug === slug);
  }

  /** The page served at `/` for requests to its custom domain. */
  async byDomain(host: string): Promise<PageEntry | undefined> {
    return (await this.list()).find((e) => e.page.domain === host);
  }

  private async read(): Promise<void> {
    const started = this.now();
    const records = await this.store.listStatusPages();
    // A stored page was validated when it was written; one that no longer validates is left out, not fatal.
    this.api = records.flatMap((r) => {
      const parsed = statusPageSchema.safeParse(r.config);
      return parsed.success ? [parsed.data] : [];
    });
    this.readAt = started;
  }
}
