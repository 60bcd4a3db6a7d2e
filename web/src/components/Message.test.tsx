import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Message } from './Message';

const message = {
  id: 'm1',
  body: 'Please reset the VPN token of the CFO.',
  internal: false,
  channel: 'EMAIL' as const,
  createdAt: '2026-12-06T09:00:00Z',
  author: { id: 'u2', name: 'Arjun Agent', email: 'arjun@acme.example' },
};

describe('Message', () => {
  it('shows staff whether an email’s sender was verified, with the full verdict on hover', () => {
    render(
      <Message
        message={{
          ...message,
          email: {
            authentication: {
              authenticated: false,
              spf: 'softfail',
              dkim: 'fail',
              dmarc: 'fail',
              summary: 'spf=softfail dkim=fail dmarc=fail header.from=acme.example',
            },
          },
        }}
      />,
    );
    const badge = screen.getByText('Sender not verified · SPF softfail, DKIM fail, DMARC fail');
    expect(badge.getAttribute('title')).toBe('spf=softfail dkim=fail dmarc=fail header.from=acme.example');
  });

  it('shows nothing of the kind where the verdict is not known (the portal, mail from before)', () => {
    const { container } = render(<Message message={{ ...message, email: { authentication: null } }} />);
    expect(container.querySelector('.badge')).toBeNull();
    render(<Message message={message} />);
    expect(screen.queryByText(/Sender/)).toBeNull();
  });
});
