-- Email (docs/ARCHITECTURE.md §Email): raw inbound mail stored before the SMTP `250`, outbound
-- mail stored before it is sent, verified forwarding aliases, the Message-IDs that thread a
-- conversation onto its ticket, people in Cc, and attachments.

-- Per-organisation mail settings.
alter table organizations
    add column mail_from_name text check (length(mail_from_name) <= 120),
    add column mail_signature text check (length(mail_signature) <= 2000),
    -- What a reply to a closed ticket does: reopen it, or open a follow-up linked to it.
    add column mail_closed_reply text not null default 'follow_up'
        check (mail_closed_reply in ('reopen', 'follow_up')),
    add column mail_acknowledge boolean not null default true;

-- A ticket's reply token is the plus tag of its reply address (`acme+<token>@inbound…`): it
-- threads a reply even when the client dropped the References header and rewrote the subject.
alter table tickets
    add column reply_token text,
    add column follow_up_of uuid,
    add column source_inbound_id uuid,
    add constraint tickets_reply_token_key unique (org_id, reply_token),
    add constraint tickets_follow_up_fk foreign key (org_id, follow_up_of)
        references tickets (org_id, id) on delete set null (follow_up_of);

alter table ticket_messages
    add column body_html text,
    add column original_body text,
    add column email_message_id text,
    add column email_from text,
    add column email_to text[],
    add column email_cc text[],
    add column inbound_message_id uuid;

-- Raw inbound mail. The SMTP listener inserts a row (and the job that processes it) and only
-- then answers `250`. Processing marks it `processed` in the same transaction as the ticket it
-- creates; the partial unique index makes a second copy of the same message (same Message-ID, or
-- same bytes without one) impossible to process twice, whatever the timing.
create table inbound_messages (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    received_at timestamptz not null default now(),
    mail_from text not null default '',
    rcpt_to text[] not null,
    peer text,
    size_bytes integer not null check (size_bytes >= 0),
    raw bytea not null,
    status text not null default 'received'
        check (status in ('received', 'processed', 'duplicate', 'ignored', 'quarantined', 'discarded')),
    reason text,
    dedupe_key text,
    message_id text,
    from_address text,
    subject text,
    ticket_id uuid,
    processed_at timestamptz,
    primary key (org_id, id),
    -- Deferred (like the keys below): ingestion writes everything that points at a new ticket
    -- first and the ticket last, so the organisation's ticket counter stays locked only for
    -- the insert and the commit.
    foreign key (org_id, ticket_id) references tickets (org_id, id) on delete set null (ticket_id)
        deferrable initially deferred
);
create unique index inbound_messages_once on inbound_messages (org_id, dedupe_key) where status = 'processed';
create index inbound_messages_status_idx on inbound_messages (org_id, status, received_at desc, id);

-- Outbound mail, rendered once when queued (same bytes and Message-ID on every retry). One row
-- per cause: the unique key on (kind, source) makes queuing idempotent.
create table outbound_messages (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    ticket_id uuid,
    kind text not null check (kind in ('acknowledgement', 'reply', 'status', 'alias_verification')),
    source_id uuid not null,
    message_id text not null,
    recipients text[] not null,
    mail jsonb not null,
    status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed')),
    attempts integer not null default 0,
    last_error text,
    created_at timestamptz not null default now(),
    sent_at timestamptz,
    primary key (org_id, id),
    constraint outbound_messages_once unique (org_id, kind, source_id),
    constraint outbound_messages_message_id_key unique (org_id, message_id),
    foreign key (org_id, ticket_id) references tickets (org_id, id) on delete cascade
);
-- Acknowledgements per sender per hour (the rate limit).
create index outbound_messages_ack_idx on outbound_messages (org_id, (recipients[1]), created_at)
    where kind = 'acknowledgement';

-- Every Message-ID known to belong to a ticket, ours and theirs: a reply's In-Reply-To or
-- References finds its ticket with one index probe.
create table ticket_mail_ids (
    org_id uuid not null,
    message_id text not null,
    ticket_id uuid not null,
    primary key (org_id, message_id),
    foreign key (org_id, ticket_id) references tickets (org_id, id) on delete cascade deferrable initially deferred
);

-- People in Cc: they may reply to the ticket by email and receive its replies.
create table ticket_participants (
    org_id uuid not null,
    ticket_id uuid not null,
    user_id uuid not null,
    created_at timestamptz not null default now(),
    primary key (org_id, ticket_id, user_id),
    foreign key (org_id, ticket_id) references tickets (org_id, id) on delete cascade deferrable initially deferred,
    foreign key (org_id, user_id) references memberships (org_id, user_id) on delete cascade
);
create index ticket_participants_user_idx on ticket_participants (org_id, user_id);

-- Files stored by content (sha256) in the object store; the row says where they belong.
create table attachments (
    org_id uuid not null,
    id uuid not null,
    ticket_id uuid not null,
    message_id uuid,
    filename text not null check (length(filename) between 1 and 255),
    content_type text not null,
    size_bytes bigint not null check (size_bytes >= 0),
    sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
    content_id text,
    inline boolean not null default false,
    created_at timestamptz not null default now(),
    primary key (org_id, id),
    foreign key (org_id, ticket_id) references tickets (org_id, id) on delete cascade deferrable initially deferred,
    foreign key (org_id, message_id) references ticket_messages (org_id, id) on delete cascade
);
create index attachments_ticket_idx on attachments (org_id, ticket_id, created_at);

-- A customer's own address forwarding to the organisation (`support@acme.com`). It routes mail
-- only once verified: we mail a code to it, and the code coming back through the forward proves
-- the forward exists. Only one organisation can hold a verified address.
create table mail_aliases (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    address citext not null check (length(address) <= 254 and address ~ '^[^@\s]+@[^@\s]+$'),
    verification_code text not null,
    verified_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (org_id, id),
    constraint mail_aliases_org_address_key unique (org_id, address)
);
create unique index mail_aliases_verified_key on mail_aliases (address) where verified_at is not null;

select fd_isolate_tenant_table(t)
from unnest(array['inbound_messages', 'outbound_messages', 'ticket_mail_ids', 'ticket_participants',
                  'attachments', 'mail_aliases']::regclass[]) as t;

-- Mail plumbing is for staff and the worker; requesters and stakeholders see none of it.
create policy inbound_for_staff on inbound_messages as restrictive using (fd_is_staff());
create policy outbound_for_staff on outbound_messages as restrictive using (fd_is_staff());
create policy mail_ids_for_staff on ticket_mail_ids as restrictive using (fd_is_staff());
create policy aliases_for_staff on mail_aliases as restrictive using (fd_is_staff());
-- Attachments follow their ticket (and their message: none of an internal note's).
create policy attachments_follow_tickets on attachments as restrictive
    using (fd_is_staff() or (
        exists (select 1 from tickets t where t.org_id = attachments.org_id and t.id = attachments.ticket_id)
        and (attachments.message_id is null or exists (
            select 1 from ticket_messages m where m.org_id = attachments.org_id and m.id = attachments.message_id))));
create policy participants_follow_tickets on ticket_participants as restrictive
    using (fd_is_staff() or fd_role() = 'stakeholder' or user_id = fd_user_id());

-- Requesters also see the tickets they are in Cc on.
drop policy requesters_see_own on tickets;
create policy requesters_see_own on tickets as restrictive
    using (fd_role() in ('owner', 'admin', 'agent', 'stakeholder', 'system')
           or (fd_role() = 'requester' and (requester_id = fd_user_id() or exists (
               select 1 from ticket_participants p
               where p.org_id = tickets.org_id and p.ticket_id = tickets.id and p.user_id = fd_user_id()))));

grant select, insert, update on inbound_messages, outbound_messages, mail_aliases to ferrodesk_runtime;
grant delete on mail_aliases to ferrodesk_runtime;
grant select, insert on ticket_mail_ids, ticket_participants, attachments to ferrodesk_runtime;

-- Routing an envelope recipient to its organisation (DESIGN §2.2): `<slug>[+tag]@<inbound domain>`
-- or a verified alias. Returns no row for an unknown address; reveals nothing else.
create function fd_route_inbound(p_address citext, p_inbound_domain text)
returns table (org_id uuid, is_demo boolean)
language sql stable security definer set search_path = public, pg_temp as $$
    select o.id, o.is_demo from organizations o
    where lower(split_part(p_address::text, '@', 2)) = lower(p_inbound_domain)
      and o.slug = split_part(split_part(p_address::text, '@', 1), '+', 1)
    union all
    select o.id, o.is_demo from mail_aliases a join organizations o on o.id = a.org_id
    where a.address = p_address and a.verified_at is not null and not o.is_demo
    limit 1
$$;
revoke all on function fd_route_inbound(citext, text) from public;
grant execute on function fd_route_inbound(citext, text) to ferrodesk_runtime;

-- Admins put dead jobs of their organisation back in the queue (row-level security applies).
grant update (status, attempts, run_at, locked_until, locked_by) on jobs to ferrodesk_runtime;
