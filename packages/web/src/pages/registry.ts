import type { ComponentType } from 'preact';

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

// One loader for both routes, so the page's code is fetched once whichever is visited first.
const monitorForm = () => import('./edit/monitor-form-page.tsx').then((m) => m.MonitorFormPage);

/**
 * Pages built beside the dashboard's own views (editing, import, settings), each loaded on first visit.
 * The app matches these before its own routes, so `/monitors/new` is never taken for a monitor id.
 */
export const pageRoutes: PageRoute[] = [
  { pattern: '/monitors/new', title: 'New monitor', load: monitorForm },
  { pattern: '/monitors/:id/edit', title: 'Edit monitor', load: monitorForm },
  {
    pattern: '/import',
    title: 'Import',
    load: () => import('./import/import-page.tsx').then((m) => m.ImportPage),
  },
  {
    pattern: '/settings/*',
    title: 'Settings',
    load: () => import('./settings/settings-page.tsx').then((m) => m.SettingsPage),
  },
];
