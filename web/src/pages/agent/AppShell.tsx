// The frame around the agent workspace, the overview and admin: navigation by role, the person's
// menu, notifications, and the live-updates indicator.
import { useEffect, useState } from 'react';
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { isAdmin, isStaff, mayEnter } from '../../auth/roles';
import { RequireArea, useSession, useViewer } from '../../auth/session';
import { Avatar } from '../../components/Avatar';
import { DemoBanner } from '../../components/DemoBanner';
import { BillingBanner, useSubscription } from '../../components/BillingBanner';
import { ConfirmEmailBanner } from '../../components/ConfirmEmailBanner';
import { LiveUpdates } from '../../components/LiveUpdates';
import { Kbd } from '../../ui/Feedback';
import {
  AlertIcon,
  CardIcon,
  ChartIcon,
  ChevronDownIcon,
  ClockIcon,
  InboxIcon,
  KeyboardIcon,
  ListIcon,
  LogOutIcon,
  MessageIcon,
  PlusIcon,
  UserIcon,
  XIcon,
} from '../../ui/icons';
import { Dialog, Menu, MenuContent, MenuItem, MenuLabel, MenuSeparator, MenuTrigger } from '../../ui/Overlay';
import { Notifications } from './Notifications';
import { QUEUE_SHORTCUTS } from './queueKeys';
import { VIEWS, type ViewId } from './views';
import './shell.css';

const viewIcons: Record<ViewId, typeof InboxIcon> = {
  mine: UserIcon,
  unassigned: InboxIcon,
  breaching: AlertIcon,
  all: ListIcon,
};

export function AppShell() {
  const { viewer } = useSession();
  const { pathname } = useLocation();
  // Requesters have their account page in the portal's frame.
  if (viewer && pathname === '/account' && !mayEnter(viewer.role, 'overview')) return <Navigate to="/portal/account" replace />;
  return (
    <RequireArea area="overview">
      <Shell />
    </RequireArea>
  );
}

function Shell() {
  const { viewer, organization } = useViewer();
  const { signOut, liveStatus } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [navOpen, setNavOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const currentView = location.pathname === '/queue' ? (new URLSearchParams(location.search).get('view') ?? 'mine') : null;
  const staff = isStaff(viewer.role);
  const { subscription } = useSubscription();

  useEffect(() => setNavOpen(false), [location.pathname, location.search]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const target = e.target as HTMLElement | null;
      const typing = target?.closest('input, textarea, select, [contenteditable="true"]');
      if (e.key === '?' && !typing && !e.metaKey && !e.ctrlKey) {
        e.preventDefault();
        setHelpOpen(true);
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className={`shell${navOpen ? ' shell--nav-open' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <LiveUpdates />
      <header className="shell__topbar">
        <button type="button" className="icon-button" aria-label="Open navigation" onClick={() => setNavOpen(true)}>
          <ListIcon />
        </button>
        <span className="shell__topbar-org">{organization?.name}</span>
      </header>
      <nav className="sidebar" aria-label="Workspace">
        <div className="sidebar__head">
          <Menu>
            <MenuTrigger className="sidebar__org">
              <span className="sidebar__logo" aria-hidden="true">
                F
              </span>
              <span className="sidebar__org-name">{organization?.name ?? 'Ferrodesk'}</span>
              <span className="visually-hidden">: account menu</span>
              <ChevronDownIcon />
            </MenuTrigger>
            <MenuContent>
              <MenuLabel>Signed in as</MenuLabel>
              <div className="sidebar__me">
                <Avatar name={viewer.name} size={28} />
                <div>
                  <div className="sidebar__me-name">{viewer.name}</div>
                  <div className="muted small">{viewer.email}</div>
                </div>
              </div>
              <MenuSeparator />
              <MenuItem onSelect={() => navigate('/account')}>
                <UserIcon /> Your account
              </MenuItem>
              {staff && (
                <MenuItem onSelect={() => setHelpOpen(true)}>
                  <KeyboardIcon /> Keyboard shortcuts
                </MenuItem>
              )}
              <MenuItem onSelect={() => void signOut()}>
                <LogOutIcon /> Sign out
              </MenuItem>
            </MenuContent>
          </Menu>
          <Notifications />
          <button
            type="button"
            className="icon-button sidebar__close"
            aria-label="Close navigation"
            onClick={() => setNavOpen(false)}
          >
            <XIcon />
          </button>
        </div>

        {staff && (
          <Link to="/tickets/new" className="btn btn--primary btn--md sidebar__new">
            <PlusIcon /> New ticket
          </Link>
        )}

        {staff && (
          <div className="sidebar__section">
            <h2 className="sidebar__heading">Queue</h2>
            <ul>
              {VIEWS.map((view) => {
                const Icon = viewIcons[view.id];
                const active = currentView === view.id;
                return (
                  <li key={view.id}>
                    <Link
                      to={`/queue?view=${view.id}`}
                      className={`sidebar__link${active ? ' is-active' : ''}`}
                      aria-current={active ? 'page' : undefined}
                    >
                      <Icon /> {view.name}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        )}

        <div className="sidebar__section">
          <h2 className="sidebar__heading">Insights</h2>
          <ul>
            <li>
              <NavLink to="/overview" className={({ isActive }) => `sidebar__link${isActive ? ' is-active' : ''}`}>
                <ChartIcon /> Overview
              </NavLink>
            </li>
          </ul>
        </div>

        {isAdmin(viewer.role) && (
          <div className="sidebar__section">
            <h2 className="sidebar__heading">Settings</h2>
            <ul>
              <li>
                <NavLink to="/admin/members" className={({ isActive }) => `sidebar__link${isActive ? ' is-active' : ''}`}>
                  <UserIcon /> Members
                </NavLink>
              </li>
              <li>
                <NavLink to="/admin/catalog" className={({ isActive }) => `sidebar__link${isActive ? ' is-active' : ''}`}>
                  <ListIcon /> Categories
                </NavLink>
              </li>
              <li>
                <NavLink to="/admin/sla" className={({ isActive }) => `sidebar__link${isActive ? ' is-active' : ''}`}>
                  <ClockIcon /> SLA policies
                </NavLink>
              </li>
              <li>
                <NavLink to="/admin/email" className={({ isActive }) => `sidebar__link${isActive ? ' is-active' : ''}`}>
                  <MessageIcon /> Email
                </NavLink>
              </li>
              <li>
                <NavLink to="/admin/outbox" className={({ isActive }) => `sidebar__link${isActive ? ' is-active' : ''}`}>
                  <InboxIcon /> {organization?.isDemo ? 'Demo outbox' : 'Sent mail'}
                </NavLink>
              </li>
              {subscription?.billingEnabled && (
                <li>
                  <NavLink to="/admin/billing" className={({ isActive }) => `sidebar__link${isActive ? ' is-active' : ''}`}>
                    <CardIcon /> Billing
                  </NavLink>
                </li>
              )}
            </ul>
          </div>
        )}

        <div className="sidebar__foot">
          <span className={`live-dot live-dot--${liveStatus}`} aria-hidden="true" />
          <span role="status" className="small muted">
            {liveStatus === 'connected' ? 'Live updates on' : liveStatus === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}
          </span>
          {staff && (
            <button type="button" className="sidebar__help" onClick={() => setHelpOpen(true)}>
              <Kbd>?</Kbd>
              <span className="visually-hidden">Keyboard shortcuts</span>
            </button>
          )}
        </div>
      </nav>
      <div className="shell__scrim" aria-hidden="true" onClick={() => setNavOpen(false)} />
      <main className="shell__main" id="main" tabIndex={-1}>
        <DemoBanner />
        <ConfirmEmailBanner />
        <BillingBanner />
        <Outlet />
      </main>
      <Dialog open={helpOpen} onOpenChange={setHelpOpen} title="Keyboard shortcuts" width={420}>
        <table className="shortcuts">
          <tbody>
            {QUEUE_SHORTCUTS.map((s) => (
              <tr key={s.does}>
                <td>{s.does}</td>
                <td className="shortcuts__keys">
                  {s.keys.map((k) => (
                    <Kbd key={k}>{k}</Kbd>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="small muted shortcuts__note">
          On a ticket: <Kbd>r</Kbd> reply, <Kbd>n</Kbd> note, <Kbd>a</Kbd> assignee, <Kbd>u</Kbd> back to the queue.
        </p>
      </Dialog>
    </div>
  );
}
