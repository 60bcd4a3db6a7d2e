// Inviting someone against a scripted API: the link goes to their mailbox only, so the dialog
// says where it went and shows no link; a spent mail quota is explained.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import type { Operation } from 'urql';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiProvider, SessionProvider } from '../../auth/session';
import { answerData, answerError, type Answer } from '../../test/scripted';
import { Members } from './Members';

let mutations: Operation[] = [];
let answerMutation: Answer = (op) => answerError(op, 'unexpected', { code: 'INTERNAL' });

vi.mock('../../api/client', async () => {
  const { scriptedClient, answerData, viewerData } = await import('../../test/scripted');
  return {
    createApiClient: () => ({
      client: scriptedClient((op) => {
        if (op.kind === 'mutation') {
          mutations.push(op);
          return answerMutation(op);
        }
        return answerData(op, {
          ...viewerData({ role: 'OWNER' }, { email: 'ada@acme.example', emailConfirmed: true }),
          members: { __typename: 'UserConnection', nodes: [], pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null } },
        });
      }),
      dispose: () => {},
    }),
  };
});

async function openInvite() {
  render(
    <MemoryRouter>
      <ApiProvider>
        <SessionProvider>
          <Members />
        </SessionProvider>
      </ApiProvider>
    </MemoryRouter>,
  );
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: 'Invite member' }));
  const dialog = await screen.findByRole('dialog', { name: 'Invite a member' });
  await user.type(within(dialog).getByLabelText('Name'), 'Grace Hopper');
  await user.type(within(dialog).getByLabelText('Email'), 'grace@acme.example');
  await user.click(within(dialog).getByRole('button', { name: 'Send invitation' }));
  return user;
}

beforeEach(() => {
  mutations = [];
});

describe('Inviting a member', () => {
  it('says the invitation went to their mailbox, and shows no link', async () => {
    answerMutation = (op) =>
      answerData(op, {
        inviteMember: {
          __typename: 'InviteMemberPayload',
          invitation: { __typename: 'Invitation', id: 'i1', email: 'grace@acme.example', role: 'AGENT', expiresAt: '2026-12-14T10:00:00Z' },
        },
      });
    await openInvite();
    const dialog = await screen.findByRole('dialog', { name: 'Invitation sent' });
    expect(dialog.textContent).toContain(
      'Invitation sent to grace@acme.example: the link goes to their mailbox only; it works for 7 days.',
    );
    expect(within(dialog).queryByRole('textbox')).toBeNull();
    expect(within(dialog).queryByRole('button', { name: /Copy/ })).toBeNull();
    expect(mutations[0]?.variables).toEqual({ input: { name: 'Grace Hopper', email: 'grace@acme.example', role: 'AGENT' } });
  });

  it('explains a spent mail quota', async () => {
    answerMutation = (op) =>
      answerError(op, 'this organisation has sent its 200 emails for the last 24 hours; more can go as the earliest leave that window', {
        code: 'RATE_LIMITED',
      });
    await openInvite();
    expect((await screen.findByRole('alert')).textContent).toBe(
      'This organisation has sent its 200 emails for the last 24 hours; more can go as the earliest leave that window.',
    );
  });
});
