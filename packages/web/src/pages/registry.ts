import type { ComponentType } from 'preact';
import { NotAvailable } from './not-available.tsx';

/** What a page gets from the router: the route's named parts (`:id`, `*`) and the query. */
export interface PageProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface PageRoute {
  /** `/monitors/:id/edit`; `*` at the end takes the rest of the path. */
  pattern: string;
  title: string;
  /** Loaded on first visit, so the overview never downloads these pages' code. */
  load: () => Promise<ComponentType<PageProps>>;
}

const notYet = async () => NotAvailable;
// One loader for both routes, so the page's code is fetched once whichever is visited first.
const monitorForm = () => import('./edit/monitor-form-page.tsx').then((m) => m.MonitorFormPage);

/**
 * Pages built beside the dashboard's own views (editing, import, settings). Each entry's `load` becomes
 * `() => import('./monitor-form.tsx').then((m) => m.MonitorForm)` when its page exists. The app matches
 * these before its own routes, so `/monitors/new` is never taken for a monitor id.
 */
export const pageRoutes: PageRoute[] = [
  { pattern: '/monitors/new', title: 'New monitor', load: monitorForm },
  { pattern: '/monitors/:id/edit', title: 'Edit monitor', load: monitorForm },
  {
    pattern: '/import',
    title: 'Import',
    load: () => import('./import/import-page.tsx').then((m) => m.ImportPage),
  },
  { pattern: '/settings/*', title: 'Settings', load: notYet },
];
