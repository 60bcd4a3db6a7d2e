// Ticket changes from the gateway's `ticketChanged` subscription, handed to whichever pages are
// showing tickets so they refetch. `null` means "you may have missed changes" (the live
// connection came back after a drop): refetch everything shown.
import { useEffect, useRef } from 'react';
import type { TicketChangeKind } from '../gql/graphql';

export interface TicketChange {
  ticketId: string;
  number: string;
  kind: TicketChangeKind;
}

type Listener = (change: TicketChange | null) => void;

const listeners = new Set<Listener>();

export function publishTicketChange(change: TicketChange | null): void {
  for (const listener of listeners) listener(change);
}

/** Calls `onChange` for every change while the component is mounted. */
export function useTicketChanges(onChange: Listener): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    const listener: Listener = (change) => latest.current(change);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
}

/** Like `useTicketChanges`, but coalesces bursts (a bulk update) into one call after `delayMs`. */
export function useDebouncedTicketChanges(onChanges: () => void, delayMs = 250): void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(onChanges);
  latest.current = onChanges;
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useTicketChanges(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(), delayMs);
  });
}
