import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatusPage } from '../config/status-page-schema.js';
import { openStore, type Store } from '../store/index.js';
import { PAGE_TTL_MS, PageCache } from './page-cache.js';
import type { Member } from './page-data.js';

let dir: string;
let store: Store;
let clock = Date.UTC(2026, 10, 22, 12);
let status: Member['status'] = 'up';

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-page-cache-'));
  store = await openStore(path.join(dir, 'mcpwatch.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const page = (title = 'Status'): StatusPage => ({
  slug: 'p',
  title,
  items: [{ monitor: 'api' }],
  showReasons: false,
  showLatency: false,
  showTargets: false,
});

function cache() {
  const member = (): Member => ({
    id: 1,
    name: 'api',
    group: null,
    tags: [],
    status,
    since: 0,
    target: 'https://api.example.com',
    lastCheck: null,
  });
  return new PageCache(
    {
      store,
      monitor: (name) => (name === 'api' ? member() : undefined),
      group: () => [],
      maintenance: () => [],
      memberIds: () => [1],
    },
    () => clock,
  );
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('the page cache', () => {
  it('serves the built page, then the old one once while it builds the new one after an event', async () => {
    const pages = cache();
    const definition = page();
    const first = await pages.get(definition);
    expect(first.data.status).toBe('operational');
    status = 'down';
    expect(await pages.get(definition)).toBe(first);
    pages.monitorChanged(2);
    expect(await pages.get(definition)).toBe(first);
    pages.monitorChanged(1);
    expect(await pages.get(definition)).toBe(first);
    await settle();
    expect((await pages.get(definition)).data.status).toBe('major_outage');
    status = 'up';
  });

  it('rebuilds after its time, and at once for a new definition', async () => {
    const pages = cache();
    const first = await pages.get(page());
    clock += PAGE_TTL_MS;
    expect(await pages.get(page())).not.toBe(first);
    const renamed = await pages.get(page('Renamed'));
    expect(renamed.data.title).toBe('Renamed');
    clock += 1;
    const definition = page('Again');
    const built = await pages.get(definition);
    clock += PAGE_TTL_MS;
    expect(await pages.get(definition)).toBe(built);
    await settle();
    expect((await pages.get(definition)).builtAt).toBe(clock);
  });

  it('does not keep a build that read its data before an event as fresh', async () => {
    const pages = cache();
    const definition = page();
    const building = pages.get(definition);
    status = 'down';
    pages.monitorChanged(1);
    expect((await building).data.status).toBe('operational');
    // Served once more, and built again meanwhile.
    expect((await pages.get(definition)).data.status).toBe('operational');
    await settle();
    expect((await pages.get(definition)).data.status).toBe('major_outage');
    status = 'up';
  });
});
