// The account page against a scripted API: each form sends what it should, each server error
// lands next to its field, and an unconfirmed address explains why nothing can change yet.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import type { Operation } from 'urql';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiProvider, SessionProvider } from '../../auth/session';
import { ConfirmEmailBanner } from '../../components/ConfirmEmailBanner';
import { answerData, answerError, operationName, viewerData, type Answer } from '../../test/scripted';
import { ToastProvider } from '../../ui/Toast';
import Account from './Account';

let mutations: Operation[] = [];
let answerMutation: Answer = (op) => answerError(op, 'unexpected', { code: 'INTERNAL' });
let session = viewerData({ role: 'AGENT' }, { email: 'ada@acme.example', emailConfirmed: true });

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

function renderPage() {
  render(
    <MemoryRouter>
      <ApiProvider>
        <SessionProvider>
          <ToastProvider>
            <ConfirmEmailBanner />
            <Account />
          </ToastProvider>
        </SessionProvider>
      </ApiProvider>
    </MemoryRouter>,
  );
  return userEvent.setup();
}

/** The page needs a signed-in person: wait for the session before looking. */
async function ready() {
  await screen.findByRole('heading', { name: 'Your account' });
}

beforeEach(() => {
  mutations = [];
  session = viewerData({ role: 'AGENT' }, { email: 'ada@acme.example', emailConfirmed: true });
  window.sessionStorage.clear();
});

describe('Account', () => {
  it('renames the person in this organisation', async () => {
    answerMutation = (op) => answerData(op, { updateProfile: { __typename: 'User', id: 'u1', name: 'Ada King' } });
    const user = renderPage();
    await ready();
    const name = screen.getByLabelText('Your name');
    expect((name as HTMLInputElement).value).toBe('Ada Lovelace');
    await user.clear(name);
    await user.type(name, 'Ada King');
    await user.click(screen.getByRole('button', { name: 'Save name' }));
    await screen.findByText('Name saved');
    expect(mutations.map((op) => [operationName(op), op.variables])).toEqual([['UpdateProfile', { input: { name: 'Ada King' } }]]);
  });

  it('changes the password, with a wrong current one shown next to its field', async () => {
    answerMutation = (op) => answerError(op, 'the current password is wrong', { code: 'BAD_USER_INPUT', field: 'currentPassword' });
    const user = renderPage();
    await ready();
    const section = screen.getByRole('region', { name: 'Password' });
    const current = screen.getAllByLabelText('Current password').find((el) => section.contains(el));
    if (!current) throw new Error('no current password field');
    await user.type(current, 'not it');
    await user.type(screen.getByLabelText('New password'), 'a much better password');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('The current password is wrong.')).toBeTruthy();
    expect(current.getAttribute('aria-invalid')).toBe('true');

    answerMutation = (op) => answerData(op, { changePassword: true });
    await user.clear(current);
    await user.type(current, 'the right one!');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    await screen.findByText('Password changed');
    expect(mutations.at(-1)?.variables).toEqual({ input: { currentPassword: 'the right one!', newPassword: 'a much better password' } });
    await waitFor(() => expect((current as HTMLInputElement).value).toBe(''));
  });

  it('asks the new address to confirm the change, and says what happens until then', async () => {
    answerMutation = (op) => answerData(op, { requestEmailChange: true });
    const user = renderPage();
    await ready();
    const section = screen.getByRole('region', { name: 'Email address' });
    await user.type(screen.getByLabelText('New address'), 'ada@babbage.example');
    const password = screen.getAllByLabelText('Current password').find((el) => section.contains(el));
    if (!password) throw new Error('no password field');
    await user.type(password, 'my password');
    await user.click(screen.getByRole('button', { name: 'Send confirmation link' }));
    expect((await screen.findByText(/We sent a link to ada@babbage\.example/)).textContent).toMatch(
      /keep signing in with ada@acme\.example\.$/,
    );
    expect(mutations[0]?.variables).toEqual({ input: { newEmail: 'ada@babbage.example', password: 'my password' } });
  });

  it('with an unconfirmed address: says why, offers no forms, and shows the banner until dismissed', async () => {
    session = viewerData({ role: 'AGENT' }, { email: 'ada@acme.example', emailConfirmed: false });
    const user = renderPage();
    await ready();
    expect(screen.getByText('Not confirmed')).toBeTruthy();
    expect(screen.queryByLabelText('New address')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Change password' })).toBeNull();
    const banner = screen.getByText(/we sent you a link\. Until then you cannot sign in again with your password\./);
    expect(banner.textContent).toBe(
      'Confirm ada@acme.example: we sent you a link. Until then you cannot sign in again with your password.',
    );
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText(/Until then you cannot sign in again/)).toBeNull();
    expect(window.sessionStorage.getItem('ferrodesk.confirm-email-dismissed')).toBe('ada@acme.example');
  });

  it('shows no banner for a confirmed address', async () => {
    renderPage();
    await ready();
    expect(screen.queryByText(/Until then you cannot sign in again/)).toBeNull();
  });

  it('shows no banner in the demo, whose people never sign in with a password', async () => {
    session = viewerData({ role: 'ADMIN' }, { email: 'demo@northwind.invalid', emailConfirmed: false }, { isDemo: true });
    renderPage();
    await ready();
    expect(screen.queryByText(/Until then you cannot sign in again/)).toBeNull();
  });
});
