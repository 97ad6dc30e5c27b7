import type { ComponentChildren } from 'preact';
import { api } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { closeStream } from '../live/stream.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { canEdit, setSessionUser } from '../session.ts';
import { LiveIndicator } from './live-indicator.tsx';

const NAV = [
  {
    href: '/',
    label: 'Overview',
    // A monitor's page belongs to the overview; its forms belong to the "New monitor" action and Edit.
    active: (p: string) => p === '/' || /^\/monitors\/\d+\/?$/.test(p),
  },
  { href: '/incidents', label: 'Incidents', active: (p: string) => p.startsWith('/incidents') },
  { href: '/settings', label: 'Settings', active: (p: string) => p.startsWith('/settings') },
];

async function signOut(): Promise<void> {
  try {
    await api('/auth/logout', { method: 'POST' });
  } finally {
    closeStream();
    setSessionUser(null);
    navigate('/sign-in', true);
  }
}

/** The frame of every signed-in page: the navigation, the actions, who is signed in. */
export function Layout({ user, children }: { user: User; children: ComponentChildren }) {
  const { path } = useLocation();
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          mcpwatch
        </Link>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <Link key={item.href} href={item.href} aria-current={item.active(path) ? 'page' : undefined}>
              {item.label}
            </Link>
          ))}
        </nav>
        {canEdit(user) && (
          <div class="actions">
            <Link href="/monitors/new" class="button primary" data-testid="new-monitor">
              New monitor
            </Link>
            <Link href="/import" class="button" data-testid="import">
              Import
            </Link>
          </div>
        )}
        <div class="who">
          <LiveIndicator />
          <span class="muted">{user.name}</span>
          <button type="button" data-testid="sign-out" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
