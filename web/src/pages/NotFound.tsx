import { Link } from 'react-router';
import { useSession } from '../auth/session';
import { homeFor } from '../auth/roles';
import { EmptyState } from '../ui/Feedback';
import { SearchIcon } from '../ui/icons';

export function NotFound() {
  const { viewer } = useSession();
  return (
    <main className="centered-page" id="main">
      <EmptyState
        icon={<SearchIcon size={20} />}
        title="This page doesn’t exist"
        action={
          <Link className="btn btn--primary btn--md" to={viewer ? homeFor(viewer.role) : '/'}>
            {viewer ? 'Go to your workspace' : 'Go to the home page'}
          </Link>
        }
      >
        The link may be mistyped, or the page may have moved.
      </EmptyState>
    </main>
  );
}
