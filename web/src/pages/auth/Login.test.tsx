// The sign-in form against a scripted API: each server error shows up where the user can act on it.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { Client, makeResult, type Exchange, type Operation } from 'urql';
import { filter, map, pipe } from 'wonka';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiProvider, SessionProvider } from '../../auth/session';
import Login from './Login';

let answerLogIn: (op: Operation) => ReturnType<typeof makeResult>;

const scripted: Exchange = () => (operations) =>
  pipe(
    operations,
    filter((op) => op.kind !== 'teardown'),
    map((op) =>
      op.kind === 'mutation' ? answerLogIn(op) : makeResult(op, { data: { viewer: null, organization: null } }),
    ),
  );

vi.mock('../../api/client', () => ({
  createApiClient: () => ({ client: new Client({ url: '/graphql', exchanges: [scripted] }), dispose: () => {} }),
}));

function failWith(message: string, extensions: Record<string, unknown>) {
  answerLogIn = (op) => makeResult(op, { data: null, errors: [{ message, extensions }] });
}

async function submit(email: string, password: string) {
  render(
    <MemoryRouter>
      <ApiProvider>
        <SessionProvider>
          <Login />
        </SessionProvider>
      </ApiProvider>
    </MemoryRouter>,
  );
  const user = userEvent.setup();
  if (email) await user.type(screen.getByLabelText('Email'), email);
  if (password) await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Log in' }));
  return user;
}

describe('Login', () => {
  beforeEach(() => failWith('unexpected', { code: 'INTERNAL' }));

  it('asks for the fields left empty, next to each, without calling the API', async () => {
    const logIn = vi.fn();
    answerLogIn = logIn;
    await submit('', '');
    expect(screen.getByText('Enter your email.')).toBeTruthy();
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Password').getAttribute('aria-describedby')).toMatch(/-error$/);
    expect(logIn).not.toHaveBeenCalled();
  });

  it('shows a wrong password as a sentence for the whole form', async () => {
    failWith('the email or password is wrong', { code: 'UNAUTHENTICATED' });
    await submit('ada@acme.example', 'not it at all');
    expect((await screen.findByRole('alert')).textContent).toBe('The email or password is wrong.');
  });

  it('asks for the organisation when the person belongs to several', async () => {
    failWith('you belong to acme and globex: choose one', { code: 'BAD_USER_INPUT', field: 'organizationSlug' });
    await submit('ada@acme.example', 'correct horse battery');
    const org = await screen.findByLabelText('Organisation');
    await waitFor(() => expect(org.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByText('You belong to acme and globex: choose one.')).toBeTruthy();
  });

  it('says how long to wait after too many attempts', async () => {
    failWith('too many attempts; try again in 600 seconds', { code: 'RATE_LIMITED', retryAfterSeconds: 600 });
    await submit('ada@acme.example', 'guess guess guess');
    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts. Try again in 10 minutes.');
  });
});
