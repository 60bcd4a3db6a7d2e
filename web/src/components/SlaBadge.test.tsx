import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlaBadge } from './SlaBadge';

describe('SlaBadge', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-22T12:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  const sla = {
    responseDueAt: '2026-11-22T12:00:03Z',
    resolutionDueAt: '2026-11-22T20:00:00Z',
    responseBreached: false,
    resolutionBreached: false,
    responseAtRiskAt: '2026-11-22T11:59:00Z',
    paused: false,
  };

  it('counts down every second and turns red when the target passes', () => {
    const { container } = render(<SlaBadge sla={sla} />);
    expect(screen.getByText('Response due in 3s')).toBeTruthy();
    expect(container.querySelector('.badge--warning')).not.toBeNull();
    act(() => vi.advanceTimersByTime(2000));
    expect(screen.getByText('Response due in 1s')).toBeTruthy();
    act(() => vi.advanceTimersByTime(2000));
    expect(screen.getByText('Response overdue by 1s')).toBeTruthy();
    expect(container.querySelector('.badge--danger')).not.toBeNull();
  });

  it('shows the short form in the queue, with the full sentence for screen readers', () => {
    render(<SlaBadge sla={{ ...sla, responseDueAt: null }} compact />);
    expect(screen.getByText('8h')).toBeTruthy();
    expect(screen.getByText('Resolution due in 8h')).toBeTruthy();
  });
});
