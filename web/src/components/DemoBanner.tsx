// Tells a demo visitor where they are: a shared sandbox that returns to its original state every
// night, whose mail never leaves (it lands in the demo outbox).
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useViewer } from '../auth/session';
import { describeReset } from './demoReset';

export function DemoBanner() {
  const { organization } = useViewer();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  const next = organization?.demo?.nextResetAt;
  if (!organization?.isDemo || !next) return null;
  return (
    <div className="demo-banner" role="status">
      <strong>You are exploring the Ferrodesk demo as an admin.</strong>{' '}
      <span>
        Change anything: everything returns to its original state {describeReset(new Date(next), now)}. Mail you
        trigger is never sent; read it in the <Link to="/admin/outbox">demo outbox</Link>.
      </span>
    </div>
  );
}
