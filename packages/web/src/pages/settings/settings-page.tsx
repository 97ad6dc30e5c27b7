import type { ComponentType } from 'preact';
import type { User } from '../../api/types.ts';
import { Link } from '../../router.tsx';
import { canEdit, useSessionUser } from '../../session.ts';
import type { PageProps } from '../registry.ts';
import { ChannelsTab } from './channels-tab.tsx';
import { MaintenanceTab } from './maintenance-tab.tsx';
import { StatusPagesTab } from './status-pages-tab.tsx';
import { TokensTab } from './tokens-tab.tsx';
import { UsersTab } from './users-tab.tsx';
import '../edit/forms.css';

interface Tab {
  path: string;
  label: string;
  allowed: (user: User | null | undefined) => boolean;
  Component: ComponentType;
}

/** Each tab is shown to those the API lets use it: channels and windows need an editor, users an admin. */
const TABS: Tab[] = [
  { path: 'channels', label: 'Channels', allowed: canEdit, Component: ChannelsTab },
  { path: 'maintenance', label: 'Maintenance', allowed: canEdit, Component: MaintenanceTab },
  { path: 'status-pages', label: 'Status pages', allowed: canEdit, Component: StatusPagesTab },
  { path: 'users', label: 'Users', allowed: (u) => u?.role === 'admin', Component: UsersTab },
  { path: 'tokens', label: 'API tokens', allowed: (u) => Boolean(u), Component: TokensTab },
];

/** `/settings/*`: a sub-navigation and the chosen tab; `/settings` opens the first tab the user may use. */
export function SettingsPage({ params }: PageProps) {
  const user = useSessionUser();
  const tabs = TABS.filter((t) => t.allowed(user));
  const wanted = params['*'] ?? '';
  const tab = tabs.find((t) => t.path === wanted) ?? (wanted === '' ? tabs[0] : undefined);
  return (
    <section class="page">
      <h1>Settings</h1>
      <nav class="sub-nav" aria-label="Settings">
        {tabs.map((t) => (
          <Link
            key={t.path}
            href={`/settings/${t.path}`}
            aria-current={t === tab ? 'page' : undefined}
            data-testid={`settings-${t.path}`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {tab ? (
        <tab.Component key={tab.path} />
      ) : (
        <p class="muted">There is no settings page at /settings/{wanted}.</p>
      )}
    </section>
  );
}
