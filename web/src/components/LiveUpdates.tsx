import { useSubscription } from 'urql';
import { publishTicketChange } from '../api/live';
import { graphql } from '../gql';

const TicketChangedDocument = graphql(`
  subscription TicketChanged {
    ticketChanged {
      ticketId
      number
      kind
    }
  }
`);

/** Listens for ticket changes while mounted and tells the pages that show tickets. */
export function LiveUpdates() {
  useSubscription({ query: TicketChangedDocument }, (_previous, data) => {
    publishTicketChange(data.ticketChanged);
    return data;
  });
  return null;
}
