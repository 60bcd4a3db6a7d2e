// The front door: what Ferrodesk is, and a sign-up form that lands in the new workspace.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { enterApp } from '../../auth/session';
import { graphql } from '../../gql';
import { Button } from '../../ui/Button';
import { Alert } from '../../ui/Feedback';
import { TextField } from '../../ui/Field';
import { CheckIcon } from '../../ui/icons';
import { Logo } from './AuthLayout';
import { requireFields, slugify } from './forms';
import './auth.css';

const SignUpDocument = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      viewer {
        id
        role
      }
      organization {
        id
        slug
      }
    }
  }
`);

const DemoAvailableDocument = graphql(`
  query DemoAvailable {
    demoAvailable
  }
`);

const FIELDS = ['organizationName', 'slug', 'name', 'email', 'password', 'timeZone'] as const;

export default function Landing() {
  const [{ fetching }, signUp] = useMutation(SignUpDocument);
  const [{ data: demo }] = useQuery({ query: DemoAvailableDocument });
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [orgName, setOrgName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const values = {
      organizationName: String(form.get('organizationName') ?? '').trim(),
      slug: String(form.get('slug') ?? '').trim(),
      name: String(form.get('name') ?? '').trim(),
      email: String(form.get('email') ?? '').trim(),
      password: String(form.get('password') ?? ''),
    };
    const missing = requireFields(values, {
      organizationName: 'Enter your organisation’s name.',
      slug: 'Choose an address for your workspace.',
      name: 'Enter your name.',
      email: 'Enter your work email.',
      password: 'Choose a password of at least 10 characters.',
    });
    if (missing) {
      setProblem(missing);
      return;
    }
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const result = await signUp({ input: { ...values, timeZone } });
    const p = describeError(result.error, FIELDS);
    setProblem(p);
    if (!hasProblem(p) && result.data) {
      enterApp('/queue');
    }
  }

  return (
    <div className="landing">
      <header className="landing__top">
        <Logo />
        <Link to="/login" className="btn btn--secondary btn--md">
          Log in
        </Link>
      </header>
      <main className="landing__main" id="main">
        <section className="landing__pitch" aria-labelledby="pitch-title">
          <h1 id="pitch-title">The service desk your team will actually enjoy.</h1>
          <p className="landing__lead">
            Incidents and requests in one fast queue, SLA clocks that explain themselves, and a portal your
            colleagues can use without training.
          </p>
          <ul className="landing__points">
            {[
              'Keyboard-first queue with live updates from your teammates',
              'SLA targets per department and priority, with business hours and holidays',
              'A self-service portal for requesters, on any device',
              'Every change audited; every organisation’s data kept apart',
            ].map((point) => (
              <li key={point}>
                <CheckIcon /> {point}
              </li>
            ))}
          </ul>
          {demo?.demoAvailable && (
            <div className="landing__demo">
              {/* A full page load: GET /demo sets the session cookie and redirects to the queue. */}
              <a href="/demo" className="btn btn--secondary btn--md">
                Try the demo
              </a>
              <span className="small muted">A populated workspace, as an admin. No sign-up.</span>
            </div>
          )}
        </section>
        <section className="landing__signup card" aria-labelledby="signup-title">
          <h2 id="signup-title">Start your 14-day trial</h2>
          <p className="muted">No card needed. You’ll be the owner of the new workspace.</p>
          <form className="stack" noValidate onSubmit={(e) => void submit(e)}>
            {problem.message && <Alert>{problem.message}</Alert>}
            <TextField
              label="Organisation name"
              name="organizationName"
              autoComplete="organization"
              value={orgName}
              onChange={(e) => {
                setOrgName(e.target.value);
                if (!slugEdited) setSlug(slugify(e.target.value));
              }}
              error={problem.fields.organizationName}
            />
            <TextField
              label="Workspace address"
              name="slug"
              value={slug}
              onChange={(e) => {
                setSlug(e.target.value);
                setSlugEdited(true);
              }}
              hint="Lower-case letters, digits and hyphens. You’ll use it to sign in, and it becomes your support email address."
              error={problem.fields.slug}
              autoCapitalize="none"
              spellCheck={false}
            />
            <TextField label="Your name" name="name" autoComplete="name" error={problem.fields.name} />
            <TextField label="Work email" name="email" type="email" autoComplete="email" error={problem.fields.email} />
            <TextField
              label="Password"
              name="password"
              type="password"
              autoComplete="new-password"
              hint="At least 10 characters."
              error={problem.fields.password}
            />
            <Button type="submit" variant="primary" loading={fetching}>
              Create workspace
            </Button>
          </form>
        </section>
      </main>
    </div>
  );
}
