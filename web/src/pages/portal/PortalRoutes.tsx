// The requester portal: submit a request, follow your requests, reply. Built for phones first.
import { lazy, Suspense } from 'react';
import { Link, NavLink, Route, Routes, useNavigate } from 'react-router';
import { useSession, useViewer } from '../../auth/session';
import { BillingBanner } from '../../components/BillingBanner';
import { ConfirmEmailBanner } from '../../components/ConfirmEmailBanner';
import { LiveUpdates } from '../../components/LiveUpdates';
import { PageLoading } from '../../ui/Feedback';
import { ChevronDownIcon, LogOutIcon, UserIcon } from '../../ui/icons';
import { Menu, MenuContent, MenuItem, MenuLabel, MenuTrigger } from '../../ui/Overlay';
import { NotFound } from '../NotFound';
import { PortalHome } from './PortalHome';
import { PortalNew } from './PortalNew';
import { PortalTicket } from './PortalTicket';
import './portal.css';

// The same page as the workspace's /account, in a chunk of its own.
const Account = lazy(() => import('../account/Account'));

export default function PortalRoutes() {
  const { viewer, organization } = useViewer();
  const { signOut } = useSession();
  const navigate = useNavigate();
  return (
    <div className="portal">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <LiveUpdates />
      <header className="portal__top">
        <div className="portal__bar">
          <Link to="/portal" className="portal__brand">
            <span className="logo__mark" aria-hidden="true">
              F
            </span>
            <span>{organization?.name ?? 'Help center'}</span>
          </Link>
          <nav className="portal__nav" aria-label="Portal">
            <NavLink end to="/portal" className={({ isActive }) => (isActive ? 'is-active' : '')}>
              My requests
            </NavLink>
            <NavLink to="/portal/new" className={({ isActive }) => (isActive ? 'is-active' : '')}>
              New request
            </NavLink>
          </nav>
          <Menu>
            <MenuTrigger className="portal__me">
              <span className="portal__me-name">{viewer.name}</span>
              <span className="visually-hidden">: account menu</span> <ChevronDownIcon />
            </MenuTrigger>
            <MenuContent align="end">
              <MenuLabel>{viewer.email}</MenuLabel>
              <MenuItem onSelect={() => navigate('/portal/account')}>
                <UserIcon /> Your account
              </MenuItem>
              <MenuItem onSelect={() => void signOut()}>
                <LogOutIcon /> Sign out
              </MenuItem>
            </MenuContent>
          </Menu>
        </div>
      </header>
      <main className="portal__main" id="main" tabIndex={-1}>
        <ConfirmEmailBanner />
        <BillingBanner />
        <Routes>
          <Route index element={<PortalHome />} />
          <Route path="new" element={<PortalNew />} />
          <Route path="tickets/:number" element={<PortalTicket />} />
          <Route
            path="account"
            element={
              <Suspense fallback={<PageLoading />}>
                <Account />
              </Suspense>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </main>
    </div>
  );
}
