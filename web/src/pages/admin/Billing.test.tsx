// The billing page against a scripted API: the plan a person picks is the one Checkout is asked
// for, and a read-only organisation is told why and how to get out of it.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { Client, Provider, makeResult, type Exchange, type Operation } from 'urql';
import { filter, map, pipe } from 'wonka';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Billing, goTo } from './Billing';

const trial = {
  status: 'trialing',
  trialEndsAt: '2099-12-06T12:00:00Z',
  currentPeriodEnd: null,
  graceEndsAt: null,
  interval: null,
  cancelAtPeriodEnd: false,
  billingEnabled: true,
  yearlyAvailable: true,
  readOnly: false,
  readOnlyReason: null,
};

function renderWith(subscription: Record<string, unknown>, onMutation: (op: Operation) => ReturnType<typeof makeResult>) {
  const scripted: Exchange = () => (operations) =>
    pipe(
      operations,
      filter((op) => op.kind !== 'teardown'),
      map((op) =>
        op.kind === 'mutation'
          ? onMutation(op)
          : makeResult(op, { data: { organization: { __typename: 'Organization', id: 'o1', isDemo: false, subscription } } }),
      ),
    );
  const client = new Client({ url: '/graphql', exchanges: [scripted] });
  render(
    <MemoryRouter>
      <Provider value={client}>
        <Billing />
      </Provider>
    </MemoryRouter>,
  );
}

describe('Billing', () => {
  afterEach(() => vi.restoreAllMocks());

  it('starts Checkout for the chosen plan and goes there', async () => {
    const go = vi.spyOn(goTo, 'url').mockImplementation(() => {});
    const asked: unknown[] = [];
    renderWith(trial, (op) => {
      asked.push(op.variables);
      return makeResult(op, { data: { startCheckout: { url: 'https://checkout.example/cs_1' } } });
    });
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText('Yearly'));
    await user.click(screen.getByRole('button', { name: 'Subscribe with Stripe' }));
    await waitFor(() => expect(go).toHaveBeenCalledWith('https://checkout.example/cs_1'));
    expect(asked).toEqual([{ interval: 'YEARLY' }]);
  });

  it('explains a read-only organisation and opens the portal to pay', async () => {
    const go = vi.spyOn(goTo, 'url').mockImplementation(() => {});
    renderWith(
      {
        ...trial,
        status: 'past_due',
        interval: 'MONTHLY',
        currentPeriodEnd: '2099-01-01T00:00:00Z',
        graceEndsAt: '2020-01-01T00:00:00Z',
        readOnly: true,
        readOnlyReason: 'A payment is overdue, so this organisation is read-only until the payment succeeds.',
      },
      (op) => makeResult(op, { data: { openBillingPortal: { url: 'https://portal.example/bps_1' } } }),
    );
    expect(await screen.findByText(/A payment is overdue/)).toBeTruthy();
    expect(screen.getByText(/nothing has been deleted/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Subscribe with Stripe' })).toBeNull();
    await userEvent.setup().click(screen.getByRole('button', { name: /Manage billing/ }));
    await waitFor(() => expect(go).toHaveBeenCalledWith('https://portal.example/bps_1'));
  });

  it('says billing is off on a self-hosted server', async () => {
    renderWith({ ...trial, billingEnabled: false }, (op) => makeResult(op, { data: null }));
    expect(await screen.findByText('Billing is off')).toBeTruthy();
  });
});
