import { graphql } from '../../gql';

export const MessageFields = graphql(`
  fragment MessageFields on TicketMessage {
    id
    body
    internal
    channel
    createdAt
    author {
      id
      name
      email
    }
  }
`);

/** A message as staff see it: with what was verified of an email's sender (null for requesters). */
export const AgentMessageFields = graphql(`
  fragment AgentMessageFields on TicketMessage {
    ...MessageFields
    email {
      authentication {
        ...MailAuthenticationFields
      }
    }
  }
`);

export const TicketDocument = graphql(`
  query Ticket($number: String!) {
    ticket(number: $number) {
      id
      number
      kind
      subject
      description
      status
      priority
      impact
      urgency
      channel
      emailAuthentication {
        ...MailAuthenticationFields
      }
      tags
      createdAt
      updatedAt
      firstResponseAt
      resolvedAt
      reopenCount
      requester {
        id
        name
        email
      }
      assignee {
        id
        name
      }
      category {
        id
        name
      }
      sla {
        responseDueAt
        resolutionDueAt
        responseBreached
        resolutionBreached
        responseAtRiskAt
        resolutionAtRiskAt
        paused
        explanation {
          label
          pausedSince
          pauseReason
          response {
            targetMinutes
            usedMinutes
            dueAt
            metAt
            breachedAt
            atRisk
          }
          resolution {
            targetMinutes
            usedMinutes
            dueAt
            metAt
            breachedAt
            atRisk
          }
          timeline {
            at
            kind
            detail
          }
        }
      }
      messages(first: 100) {
        edges {
          node {
            ...AgentMessageFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
      attachments {
        id
        filename
        contentType
        sizeBytes
        inline
        url
      }
      events(first: 100) {
        edges {
          node {
            id
            action
            changes
            createdAt
            actor {
              id
              name
            }
          }
        }
      }
    }
  }
`);

export const MoreMessagesDocument = graphql(`
  query TicketMoreMessages($number: String!, $after: String!) {
    ticket(number: $number) {
      id
      messages(first: 100, after: $after) {
        edges {
          node {
            ...AgentMessageFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const RequesterTicketsDocument = graphql(`
  query RequesterTickets($requesterId: ID!) {
    tickets(first: 6, filter: { requesterId: $requesterId }, orderBy: { field: CREATED, direction: DESC }) {
      nodes {
        id
        number
        subject
        status
      }
    }
  }
`);

export const TicketUpdateDocument = graphql(`
  mutation TicketUpdate($input: UpdateTicketInput!) {
    updateTicket(input: $input) {
      ticket {
        id
        status
        priority
        tags
        updatedAt
        assignee {
          id
          name
        }
        category {
          id
          name
        }
      }
    }
  }
`);

export const AddMessageDocument = graphql(`
  mutation TicketAddMessage($input: AddTicketMessageInput!) {
    addTicketMessage(input: $input) {
      message {
        ...AgentMessageFields
      }
      ticket {
        id
        status
        firstResponseAt
      }
    }
  }
`);
