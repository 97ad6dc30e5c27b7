import { api } from './client.ts';

/** A read started before the page that needs it has rendered, and how long it may wait to be taken. */
const started = new Map<string, { at: number; answer: Promise<unknown> }>();
const KEEP_MS = 10_000;

/**
 * Starts GET `/api/v1<path>` now, while the app is still asking who is signed in and fetching the page's
 * code, so the first render does not wait for those one after the other. A failure is kept for the taker.
 */
export function prefetch(path: string): void {
  const answer = api(path);
  answer.catch(() => {});
  started.set(path, { at: Date.now(), answer });
}

/**
 * The prefetched answer for `path` (once), or a fresh read. A prefetch that failed is read again: it may
 * have been made before sign-in.
 */
export function read<T>(path: string): Promise<T> {
  const entry = started.get(path);
  started.delete(path);
  if (entry && Date.now() - entry.at < KEEP_MS) return (entry.answer as Promise<T>).catch(() => api<T>(path));
  return api<T>(path);
}

/** The reads the page at `path` makes first: the overview's list, a monitor page's parts. */
export function firstReads(path: string): string[] {
  if (path === '/') return ['/monitors'];
  const monitor = /^\/monitors\/(\d+)$/.exec(path);
  if (monitor) {
    const id = monitor[1];
    return [
      `/monitors/${id}`,
      `/events?monitorId=${id}&limit=200`,
      `/incidents?monitorId=${id}&limit=50`,
      `/monitors/${id}/tools`,
      `/monitors/${id}/uptime`,
    ];
  }
  return [];
}
