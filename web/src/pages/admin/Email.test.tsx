// The email settings against a scripted API: the quota counter, the choice for unproven replies,
// verifying an alias by its mailed code, and the verdict on quarantined mail.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { Provider, type Operation } from 'urql';
import { beforeEach, describe, expect, it } from 'vitest';
import { answerData, answerError, operationName, scriptedClient, type Answer } from '../../test/scripted';
import { ToastProvider } from '../../ui/Toast';
import { Email } from './Email';

const setup = {
  __typename: 'MailSetup',
  intakeAddress: 'acme@inbound.example',
  fromName: null,
  signature: null,
  closedReply: 'REOPEN',
  acknowledge: true,
  unprovenReplies: 'NEW_TICKET',
  quota: { __typename: 'MailQuota', sentLast24Hours: 12, limit: 200 },
  aliases: [
    { __typename: 'MailAlias', id: 'a1', address: 'support@acme.example', verifiedAt: null, createdAt: '2026-12-01T10:00:00Z' },
    { __typename: 'MailAlias', id: 'a2', address: 'it@acme.example', verifiedAt: '2026-12-01T11:00:00Z', createdAt: '2026-12-01T10:00:00Z' },
  ],
};

const quarantined = {
  __typename: 'InboundMessage',
  id: 'm1',
  receivedAt: '2026-12-06T09:00:00Z',
  from: 'ceo@acme.example',
  mailFrom: 'bounce@elsewhere.example',
  subject: 'Re: [INC-0042] Wire the money',
  reason: 'it names a ticket without proof',
  authentication: {
    __typename: 'MailAuthentication',
    authenticated: false,
    spf: 'fail',
    dkim: 'none',
    dmarc: 'fail',
    summary: 'spf=fail smtp.mailfrom=elsewhere.example; dkim=none; dmarc=fail (p=reject) header.from=acme.example',
  },
};

let mutations: Operation[] = [];
let answerMutation: Answer = (op) => answerError(op, 'unexpected', { code: 'INTERNAL' });

function renderPage() {
  const client = scriptedClient((op) => {
    if (op.kind === 'mutation') {
      mutations.push(op);
      return answerMutation(op);
    }
    return answerData(op, {
      organization: { __typename: 'Organization', id: 'o1', name: 'Acme' },
      mailSetup: setup,
      inboundMessages: { __typename: 'InboundMessageConnection', nodes: [quarantined] },
    });
  });
  render(
    <MemoryRouter>
      <Provider value={client}>
        <ToastProvider>
          <Email />
        </ToastProvider>
      </Provider>
    </MemoryRouter>,
  );
  return userEvent.setup();
}

beforeEach(() => {
  mutations = [];
});

describe('Email settings', () => {
  it('counts the mail sent against the quota, and saves what happens to unproven replies', async () => {
    answerMutation = (op) => answerData(op, { updateMailSettings: { ...setup, unprovenReplies: 'QUARANTINE' } });
    const user = renderPage();
    expect(await screen.findByText('12 of 200 emails in the last 24 hours')).toBeTruthy();
    const newTicket = screen.getByRole('radio', { name: /Open a new ticket/ });
    expect((newTicket as HTMLInputElement).checked).toBe(true);
    await user.click(screen.getByRole('radio', { name: /Hold it in quarantine/ }));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText('Email settings saved');
    expect(operationName(mutations[0] as Operation)).toBe('UpdateMailSettings');
    expect(mutations[0]?.variables).toMatchObject({ input: { unprovenReplies: 'QUARANTINE', closedReply: 'REOPEN', acknowledge: true } });
  });

  it('verifies an alias with the code from its mail, checking its length first', async () => {
    const user = renderPage();
    expect(await screen.findByRole('button', { name: /Enter code\s*for support@acme\.example/ })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Enter code\s*for it@acme\.example/ })).toBeNull();
    await user.click(screen.getByRole('button', { name: /Enter code\s*for support@acme\.example/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Enter the verification code' });

    await user.type(within(dialog).getByLabelText('Verification code'), 'ABCD-EFGH');
    await user.click(within(dialog).getByRole('button', { name: 'Verify alias' }));
    expect(within(dialog).getByText('The code has 16 letters and digits; this has 8.')).toBeTruthy();
    expect(mutations).toHaveLength(0);

    answerMutation = (op) => answerError(op, 'this is not the code in the verification mail', { code: 'BAD_USER_INPUT', field: 'code' });
    await user.type(within(dialog).getByLabelText('Verification code'), '-jkmn-pqrs');
    await user.click(within(dialog).getByRole('button', { name: 'Verify alias' }));
    expect(await within(dialog).findByText('This is not the code in the verification mail.')).toBeTruthy();
    expect(mutations[0]?.variables).toEqual({ id: 'a1', code: 'ABCDEFGHJKMNPQRS' });

    answerMutation = (op) =>
      answerData(op, { verifyMailAlias: { ...setup.aliases[0], verifiedAt: '2026-12-07T10:00:00Z' } });
    await user.click(within(dialog).getByRole('button', { name: 'Verify alias' }));
    expect(await screen.findByText('support@acme.example is verified')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows whether each quarantined message’s sender was verified', async () => {
    renderPage();
    const verdict = await screen.findByText('Sender not verified · SPF fail, DMARC fail');
    expect(verdict.closest('.badge')?.getAttribute('title')).toBe(quarantined.authentication.summary);
  });
});
