import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { RequireArea, useSession } from './auth/session';
import { homeFor } from './auth/roles';
import { AppShell } from './pages/agent/AppShell';
import { Queue } from './pages/agent/Queue';
import { TicketPage } from './pages/agent/TicketPage';
import { NotFound } from './pages/NotFound';
import { PageLoading } from './ui/Feedback';

// The agent workspace (queue and ticket) is in the first download; everything else loads on demand.
const Landing = lazy(() => import('./pages/auth/Landing'));
const Login = lazy(() => import('./pages/auth/Login'));
const AcceptInvitation = lazy(() => import('./pages/auth/AcceptInvitation'));
const ForgotPassword = lazy(() => import('./pages/auth/ForgotPassword'));
const ResetPassword = lazy(() => import('./pages/auth/ResetPassword'));
const ConfirmEmail = lazy(() => import('./pages/auth/ConfirmEmail'));
const ConfirmEmailChange = lazy(() => import('./pages/auth/ConfirmEmailChange'));
const Account = lazy(() => import('./pages/account/Account'));
const NewTicket = lazy(() => import('./pages/agent/NewTicket'));
const Overview = lazy(() => import('./pages/overview/Overview'));
const AdminRoutes = lazy(() => import('./pages/admin/AdminRoutes'));
const PortalRoutes = lazy(() => import('./pages/portal/PortalRoutes'));

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<PageLoading />}>{children}</Suspense>;
}

/** `/`: the landing page for visitors, home for members. */
function Home() {
  const { viewer, loading } = useSession();
  if (loading) return <PageLoading />;
  if (viewer) return <Navigate to={homeFor(viewer.role)} replace />;
  return (
    <Lazy>
      <Landing />
    </Lazy>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/login" element={<Lazy><Login /></Lazy>} />
      <Route path="/invitations/:token" element={<Lazy><AcceptInvitation /></Lazy>} />
      {/* The pages that mailed links open (the gateway writes these paths into its mail). */}
      <Route path="/account/forgot" element={<Lazy><ForgotPassword /></Lazy>} />
      <Route path="/account/reset/:token" element={<Lazy><ResetPassword /></Lazy>} />
      <Route path="/account/confirm/:token" element={<Lazy><ConfirmEmail /></Lazy>} />
      <Route path="/account/email/:token" element={<Lazy><ConfirmEmailChange /></Lazy>} />
      <Route element={<AppShell />}>
        <Route path="/queue" element={<RequireArea area="agent"><Queue /></RequireArea>} />
        <Route path="/tickets/new" element={<RequireArea area="agent"><Lazy><NewTicket /></Lazy></RequireArea>} />
        <Route path="/tickets/:number" element={<RequireArea area="agent"><TicketPage /></RequireArea>} />
        <Route path="/overview" element={<RequireArea area="overview"><Lazy><Overview /></Lazy></RequireArea>} />
        <Route path="/admin/*" element={<RequireArea area="admin"><Lazy><AdminRoutes /></Lazy></RequireArea>} />
        <Route path="/account" element={<Lazy><Account /></Lazy>} />
      </Route>
      <Route path="/portal/*" element={<RequireArea area="portal"><Lazy><PortalRoutes /></Lazy></RequireArea>} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
