// The pages that mailed links open, against a scripted API: each link's action runs once, its
// outcome says what to do next, and the expired or used link says so.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode, type ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import type { Operation } from 'urql';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiProvider, enterApp, SessionProvider } from '../../auth/session';
import { answerData, answerError, operationName, viewerData, type Answer } from '../../test/scripted';
import AcceptInvitation from './AcceptInvitation';
import ConfirmEmail from './ConfirmEmail';
import ConfirmEmailChange from './ConfirmEmailChange';
import ForgotPassword from './ForgotPassword';
import Login from './Login';
import ResetPassword from './ResetPassword';

let mutations: Operation[] = [];
let answerMutation: Answer = (op) => answerError(op, 'unexpected', { code: 'INTERNAL' });
let session = viewerData(null);

vi.mock('../../api/client', async () => {
  const { scriptedClient } = await import('../../test/scripted');
  return {
    createApiClient: () => ({
      client: scriptedClient((op) => {
        if (op.kind !== 'mutation') return answerData(op, session);
        mutations.push(op);
        return answerMutation(op);
      }),
      dispose: () => {},
    }),
  };
});

vi.mock('../../auth/session', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../auth/session')>()),
  enterApp: vi.fn(),
}));

function renderAt(url: string, pattern: string, page: ReactElement) {
  render(
    <StrictMode>
      <MemoryRouter initialEntries={[url]}>
        <ApiProvider>
          <SessionProvider>
            <Routes>
              <Route path={pattern} element={page} />
            </Routes>
          </SessionProvider>
        </ApiProvider>
      </MemoryRouter>
    </StrictMode>,
  );
}

beforeEach(() => {
  mutations = [];
  session = viewerData(null);
  vi.mocked(enterApp).mockReset();
});

describe('confirming an address', () => {
  it('confirms once, even when React mounts the page twice, and offers the way on', async () => {
    answerMutation = (op) => answerData(op, { confirmEmail: true });
    renderAt('/account/confirm/fdc_token', '/account/confirm/:token', <ConfirmEmail />);
    expect(await screen.findByRole('heading', { name: 'Your address is confirmed' })).toBeTruthy();
    expect(mutations.map((op) => [operationName(op), op.variables])).toEqual([['ConfirmEmail', { token: 'fdc_token' }]]);
    expect(screen.getByRole('link', { name: 'Log in' }).getAttribute('href')).toBe('/login');
  });

  it('sends someone signed in back to their workspace', async () => {
    session = viewerData({ role: 'AGENT' }, { email: 'ada@acme.example', emailConfirmed: false });
    answerMutation = (op) => answerData(op, { confirmEmail: true });
    renderAt('/account/confirm/fdc_token', '/account/confirm/:token', <ConfirmEmail />);
    const link = await screen.findByRole('link', { name: 'Continue to Ferrodesk' });
    expect(link.getAttribute('href')).toBe('/queue');
  });

  it('explains an expired or used link, and how to confirm all the same', async () => {
    answerMutation = (op) => answerError(op, 'confirmation link (it may have expired or been used) not found', { code: 'NOT_FOUND' });
    renderAt('/account/confirm/fdc_old', '/account/confirm/:token', <ConfirmEmail />);
    expect((await screen.findByRole('alert')).textContent).toBe('This confirmation link has expired or has already been used.');
    expect(screen.getByRole('link', { name: 'reset your password' }).getAttribute('href')).toBe('/account/forgot');
  });
});

describe('changing the address', () => {
  it('moves the account, then sends the person to log in with a notice', async () => {
    answerMutation = (op) => answerData(op, { confirmEmailChange: true });
    renderAt('/account/email/fde_token', '/account/email/:token', <ConfirmEmailChange />);
    await waitFor(() => expect(enterApp).toHaveBeenCalledWith('/login?notice=email-changed'));
    expect(mutations).toHaveLength(1);
    expect(mutations[0]?.variables).toEqual({ token: 'fde_token' });
  });

  it('says when the new address belongs to someone else', async () => {
    answerMutation = (op) =>
      answerError(op, 'this address belongs to another Ferrodesk account', { code: 'CONFLICT', field: 'token' });
    renderAt('/account/email/fde_token', '/account/email/:token', <ConfirmEmailChange />);
    expect((await screen.findByRole('alert')).textContent).toBe('This address belongs to another Ferrodesk account.');
    expect(screen.getByRole('heading', { name: 'Your address was not changed' })).toBeTruthy();
    expect(enterApp).not.toHaveBeenCalled();
  });
});

describe('forgotten passwords', () => {
  it('answers the same whether or not the address has an account', async () => {
    answerMutation = (op) => answerData(op, { requestPasswordReset: true });
    renderAt('/account/forgot', '/account/forgot', <ForgotPassword />);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email'), 'ada@acme.example');
    await user.click(screen.getByRole('button', { name: 'Send link' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      'If an account exists for ada@acme.example, we sent a link to it to choose a new password.',
    );
    expect(mutations[0]?.variables).toEqual({ email: 'ada@acme.example' });
  });

  it('puts a malformed address next to its field, and says when to try again', async () => {
    answerMutation = (op) => answerError(op, 'this is not an email address', { code: 'BAD_USER_INPUT', field: 'email' });
    renderAt('/account/forgot', '/account/forgot', <ForgotPassword />);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email'), 'ada@');
    await user.click(screen.getByRole('button', { name: 'Send link' }));
    expect(await screen.findByText('This is not an email address.')).toBeTruthy();
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');

    answerMutation = (op) => answerError(op, 'too many attempts', { code: 'RATE_LIMITED', retryAfterSeconds: 1800 });
    await user.clear(screen.getByLabelText('Email'));
    await user.type(screen.getByLabelText('Email'), 'ada@acme.example');
    await user.click(screen.getByRole('button', { name: 'Send link' }));
    expect(await screen.findByText('Too many attempts. Try again in 30 minutes.')).toBeTruthy();
  });

  it('sets the new password from the mailed link and signs in', async () => {
    answerMutation = (op) => answerData(op, { resetPassword: { viewer: { __typename: 'User', id: 'u1', role: 'REQUESTER' } } });
    renderAt('/account/reset/fdr_token', '/account/reset/:token', <ResetPassword />);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('New password'), 'a brand new password');
    await user.click(screen.getByRole('button', { name: 'Set password and log in' }));
    await waitFor(() => expect(enterApp).toHaveBeenCalledWith('/portal'));
    expect(mutations[0]?.variables).toEqual({ input: { token: 'fdr_token', password: 'a brand new password', organizationSlug: null } });
  });

  it('says a spent reset link is spent, and where to get another', async () => {
    answerMutation = (op) => answerError(op, 'password reset link not found', { code: 'NOT_FOUND' });
    renderAt('/account/reset/fdr_old', '/account/reset/:token', <ResetPassword />);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('New password'), 'a brand new password');
    await user.click(screen.getByRole('button', { name: 'Set password and log in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('This link has expired or has already been used. Ask for a new link.');
    expect(screen.getByRole('link', { name: 'Ask for a new link' }).getAttribute('href')).toBe('/account/forgot');
    expect(enterApp).not.toHaveBeenCalled();
  });

  it('keeps a short password next to its field', async () => {
    answerMutation = (op) => answerError(op, 'the password must be at least 10 characters', { code: 'BAD_USER_INPUT', field: 'password' });
    renderAt('/account/reset/fdr_token', '/account/reset/:token', <ResetPassword />);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('New password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Set password and log in' }));
    expect(await screen.findByText('The password must be at least 10 characters.')).toBeTruthy();
  });
});

describe('the log-in page', () => {
  it('links to the reset, and shows only the notices it knows', async () => {
    renderAt('/login?notice=email-changed', '/login', <Login />);
    expect((await screen.findByRole('link', { name: 'Forgot your password?' })).getAttribute('href')).toBe('/account/forgot');
    expect(screen.getByRole('status').textContent).toMatch(/^Your address has changed/);
  });

  it('ignores a notice it does not know', async () => {
    renderAt('/login?notice=Your+account+is+locked', '/login', <Login />);
    await screen.findByRole('link', { name: 'Forgot your password?' });
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.queryByText(/locked/)).toBeNull();
  });
});

describe('accepting an invitation', () => {
  it('explains which password to enter, and says when an existing account’s is wrong', async () => {
    answerMutation = (op) =>
      answerError(op, 'ada@acme.example already has a Ferrodesk account: enter its password', {
        code: 'BAD_USER_INPUT',
        field: 'password',
      });
    renderAt('/invitations/fdi_token', '/invitations/:token', <AcceptInvitation />);
    expect(await screen.findByText(/Already have a Ferrodesk account/)).toBeTruthy();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Password'), 'not my password');
    await user.click(screen.getByRole('button', { name: 'Accept invitation' }));
    expect(await screen.findByText('ada@acme.example already has a Ferrodesk account: enter its password.')).toBeTruthy();
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBe('true');
    expect(mutations[0]?.variables).toEqual({ input: { token: 'fdi_token', name: null, password: 'not my password' } });
  });
});
