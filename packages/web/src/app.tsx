import { useEffect } from 'preact/hooks';
import { ApiError, api, onUnauthenticated } from './api/client.ts';
import { firstReads, prefetch } from './api/prefetch.ts';
import type { User } from './api/types.ts';
import { Layout } from './components/layout.tsx';
import { LazyPage } from './components/lazy-page.tsx';
import { matchRoute } from './lib/route-match.ts';
import { FirstRun } from './pages/first-run.tsx';
import { OverviewPage } from './pages/overview/overview-page.tsx';
import { type PageRoute, pageRoutes } from './pages/registry.ts';
import { SignIn } from './pages/sign-in.tsx';
import { navigate, useLocation } from './router.tsx';
import { setSessionUser, useSessionUser } from './session.ts';

/** The dashboard's own views; the overview is in the first bundle, the others load on first visit. */
const ownRoutes: PageRoute[] = [
  { pattern: '/', title: 'Overview', load: async () => OverviewPage },
  {
    pattern: '/monitors/:id',
    title: 'Monitor',
    load: () => import('./pages/monitor/monitor-page.tsx').then((m) => m.MonitorPage),
  },
  {
    pattern: '/incidents',
    title: 'Incidents',
    load: () => import('./pages/incidents/incidents-page.tsx').then((m) => m.IncidentsPage),
  },
];

const AUTH_PATHS = ['/sign-in', '/setup'];

/**
 * On the first load, the page's code and its first reads start together with the session check instead
 * of after it: the route that will render is known from the address alone.
 */
function preloadFirstPage(): void {
  const path = window.location.pathname;
  if (AUTH_PATHS.includes(path)) return;
  for (const route of [...pageRoutes, ...ownRoutes]) {
    if (!matchRoute(route.pattern, path)) continue;
    route.load().catch(() => {});
    break;
  }
  for (const read of firstReads(path)) prefetch(read);
}
preloadFirstPage();

function toSignIn(): void {
  const here = window.location.pathname + window.location.search;
  if (AUTH_PATHS.includes(window.location.pathname)) return;
  navigate(here === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`, true);
}

/** Who is signed in, or where to go: the first-run page while no user exists, else sign-in. */
async function resolveSession(): Promise<void> {
  try {
    const { user } = await api<{ user: User }>('/auth/me');
    setSessionUser(user);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    setSessionUser(null);
    const { needsAdmin } = await api<{ needsAdmin: boolean }>('/auth/setup');
    if (needsAdmin) navigate('/setup', true);
    else toSignIn();
  }
}

export function App() {
  const user = useSessionUser();
  const location = useLocation();
  useEffect(() => {
    onUnauthenticated(() => {
      setSessionUser(null);
      toSignIn();
    });
    resolveSession().catch(() => setSessionUser(null));
  }, []);
  useEffect(() => {
    if (user === null && !AUTH_PATHS.includes(location.path)) toSignIn();
  }, [user, location.path]);

  if (location.path === '/setup') return <FirstRun />;
  if (location.path === '/sign-in') return <SignIn query={location.query} />;
  if (!user) return <p class="muted page">Loading…</p>;

  for (const route of [...pageRoutes, ...ownRoutes]) {
    const params = matchRoute(route.pattern, location.path);
    if (!params) continue;
    document.title = `${route.title} · mcpwatch`;
    return (
      <Layout user={user}>
        <LazyPage load={route.load} props={{ params, query: location.query }} />
      </Layout>
    );
  }
  return (
    <Layout user={user}>
      <section class="page">
        <h1>Not found</h1>
        <p class="muted">Nothing lives at {location.path}.</p>
      </section>
    </Layout>
  );
}
