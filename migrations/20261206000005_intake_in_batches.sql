-- The intake's batches (docs/ARCHITECTURE.md §Email, "Batches across organisations"): plain new
-- tickets from many organisations' mail, written by three statements for the whole batch where
-- each message took five or more of its own. PostgreSQL's cost a message is a third of the
-- single-message floor when each step writes the whole batch's rows (infra/bench/intake-floor.sh).
--
-- A batch spans organisations, so it cannot run under one tenant's row security: these are
-- definer functions, like fd_claim_jobs. Every row they write carries the organisation the
-- worker routed that message's envelope to, passed beside the message in the same array
-- position; nothing is looked up across organisations except the person by address (users are
-- shared, as in fd_ensure_person). They are the worker's: the gateway never calls them.
--
-- Locks, in the one order every mail transaction takes them: the senders' acknowledgement
-- locks (fd_acknowledgements_since's keys), then page versions, then number counters, each set
-- sorted. The single-message path takes at most one of each, in the same order.

-- Step 1: the senders. Locks the senders' acknowledgement keys and the organisations' page
-- versions, creates new people and their requester memberships, and returns for each message
-- (by its 1-based position): whether it was already processed, the sender's membership, how many
-- acknowledgements went to the sender since p_ack_since, and the organisation's mail settings
-- with its configuration version.
create function fd_intake_senders(
    p_org_ids uuid[], p_new_user_ids uuid[], p_emails text[], p_names text[], p_dedupe_keys text[],
    p_ack_since timestamptz
) returns table (
    ord integer, duplicate boolean, user_id uuid, role text, status text, acks_sent bigint,
    slug text, name text, is_demo boolean, from_name text, signature text, closed_reply text,
    acknowledge boolean, config_version bigint
) language plpgsql security definer set search_path = public, pg_temp as $$
#variable_conflict use_column
begin
    if cardinality(p_org_ids) is distinct from cardinality(p_emails)
       or cardinality(p_org_ids) is distinct from cardinality(p_new_user_ids)
       or cardinality(p_org_ids) is distinct from cardinality(p_names)
       or cardinality(p_org_ids) is distinct from cardinality(p_dedupe_keys) then
        raise exception 'fd_intake_senders: arrays of different lengths' using errcode = '22023';
    end if;
    perform pg_advisory_xact_lock(s.k) from (
        select distinct hashtextextended(u.o::text || u.e, 0) as k
        from unnest(p_org_ids, p_emails) as u(o, e)
        order by 1
    ) s;
    perform 1 from page_versions v where v.org_id = any(p_org_ids) order by v.org_id for no key update;
    insert into users (id, email, name)
    select distinct on (u.e::citext) u.n, u.e::citext, u.nm
    from unnest(p_new_user_ids, p_emails, p_names) as u(n, e, nm)
    where not exists (select 1 from users x where x.email = u.e::citext)
    order by u.e::citext
    on conflict (email) do nothing;
    insert into memberships (org_id, user_id, role, status)
    select distinct u.o, p.id, 'requester', 'active'
    from unnest(p_org_ids, p_emails) as u(o, e)
    join users p on p.email = u.e::citext
    where not exists (select 1 from memberships m where m.org_id = u.o and m.user_id = p.id)
    order by 1, 2
    on conflict (org_id, user_id) do nothing;
    return query
    select u.ord::integer,
           exists (select 1 from inbound_messages i
                   where i.org_id = u.o and i.dedupe_key = u.d and i.status = 'processed'),
           p.id, m.role, m.status,
           (select count(*) from outbound_messages x
            where x.org_id = u.o and x.kind = 'acknowledgement' and x.recipients[1] = u.e
              and x.created_at >= p_ack_since),
           o.slug::text, o.name, o.is_demo, o.mail_from_name, o.mail_signature, o.mail_closed_reply,
           o.mail_acknowledge,
           (select v.version from config_versions v where v.org_id = o.id)
    from unnest(p_org_ids, p_emails, p_dedupe_keys) with ordinality as u(o, e, d, ord)
    join organizations o on o.id = u.o
    join users p on p.email = u.e::citext
    left join memberships m on m.org_id = u.o and m.user_id = p.id
    order by u.ord;
end
$$;

-- Step 2: the tickets. Writes each message's raw row (processed), its Message-ID and its
-- attachments under its ticket (the foreign keys are deferred), then the tickets, numbered per
-- organisation in the order given, with their creation events (the event's changes get the
-- number), and returns the tickets as every read projects them. Last, because the number
-- counters it locks are held to the commit.
create function fd_intake_tickets(
    p_org_ids uuid[], p_ids uuid[], p_subjects text[], p_descriptions text[], p_priorities smallint[],
    p_department_ids uuid[], p_requester_ids uuid[], p_event_ids uuid[], p_event_changes jsonb[],
    p_response_due timestamptz[], p_resolution_due timestamptz[], p_response_risk timestamptz[],
    p_resolution_risk timestamptz[], p_paused boolean[], p_reply_tokens text[],
    p_inbound_ids uuid[], p_mail_froms text[], p_rcpt_tos jsonb, p_peers text[], p_raws bytea[],
    p_dedupe_keys text[], p_message_ids text[], p_from_addresses text[], p_raw_subjects text[],
    p_file_ords integer[], p_file_ids uuid[], p_file_names text[], p_file_types text[],
    p_file_sizes bigint[], p_file_sha256 text[], p_file_content_ids text[], p_file_inline boolean[]
) returns setof ticket_view language plpgsql security definer set search_path = public, pg_temp as $$
begin
    if cardinality(p_org_ids) is distinct from cardinality(p_ids)
       or cardinality(p_org_ids) is distinct from cardinality(p_inbound_ids)
       or cardinality(p_org_ids) is distinct from cardinality(p_raws)
       or cardinality(p_org_ids) is distinct from jsonb_array_length(p_rcpt_tos) then
        raise exception 'fd_intake_tickets: arrays of different lengths' using errcode = '22023';
    end if;
    insert into inbound_messages (org_id, id, mail_from, rcpt_to, peer, size_bytes, raw, status, dedupe_key,
                                  message_id, from_address, subject, ticket_id, processed_at)
    select u.o, u.i, u.mf, array(select jsonb_array_elements_text(p_rcpt_tos -> (u.ord::integer - 1))),
           u.p, octet_length(u.r), u.r, 'processed', u.d, u.mid, u.fa, u.s, u.t, now()
    from unnest(p_org_ids, p_inbound_ids, p_mail_froms, p_peers, p_raws, p_dedupe_keys, p_message_ids,
                p_from_addresses, p_raw_subjects, p_ids)
         with ordinality as u(o, i, mf, p, r, d, mid, fa, s, t, ord);
    insert into ticket_mail_ids (org_id, message_id, ticket_id)
    select u.o, u.mid, u.t from unnest(p_org_ids, p_message_ids, p_ids) as u(o, mid, t)
    where u.mid is not null
    on conflict do nothing;
    insert into attachments (org_id, id, ticket_id, message_id, filename, content_type, size_bytes, sha256,
                             content_id, inline)
    select p_org_ids[f.ord], f.id, p_ids[f.ord], null, f.n, f.ct, f.sz, f.sha, f.cid, f.inl
    from unnest(p_file_ords, p_file_ids, p_file_names, p_file_types, p_file_sizes, p_file_sha256,
                p_file_content_ids, p_file_inline) as f(ord, id, n, ct, sz, sha, cid, inl);
    return query
    with batch as (
        select u.*, row_number() over (partition by u.o order by u.ord) as nth
        from unnest(p_org_ids, p_ids, p_subjects, p_descriptions, p_priorities, p_department_ids,
                    p_requester_ids, p_event_ids, p_event_changes, p_response_due, p_resolution_due,
                    p_response_risk, p_resolution_risk, p_paused, p_inbound_ids, p_reply_tokens)
             with ordinality as u(o, id, subject, description, priority, department_id, requester_id,
                                  event_id, event_changes, response_due, resolution_due, response_risk,
                                  resolution_risk, paused, inbound_id, reply_token, ord)
    ), taken as (
        select b.o, count(*)::integer as n from batch b group by b.o
    ), counter as (
        insert into ticket_counters (org_id, kind, last_number)
        select k.o, 'incident', k.n from taken k order by k.o
        on conflict (org_id, kind) do update set last_number = ticket_counters.last_number + excluded.last_number
        returning ticket_counters.org_id, ticket_counters.last_number
    ), t as (
        insert into tickets (org_id, id, kind, number, subject, description, status, priority, channel,
                             department_id, requester_id, created_by, tags, response_due_at, resolution_due_at,
                             response_at_risk_at, resolution_at_risk_at, sla_paused, source_inbound_id,
                             reply_token)
        select b.o, b.id, 'incident', (c.last_number - k.n + b.nth)::integer, b.subject, b.description, 'new',
               b.priority, 'email', b.department_id, b.requester_id, b.requester_id, '{}', b.response_due,
               b.resolution_due, b.response_risk, b.resolution_risk, b.paused, b.inbound_id, b.reply_token
        from batch b join counter c on c.org_id = b.o join taken k on k.o = b.o
        order by b.o, b.nth
        returning *
    ), created as (
        insert into events (org_id, id, subject_type, subject_id, actor_id, action, changes)
        select t.org_id, b.event_id, 'ticket', t.id, t.created_by, 'ticket.created',
               b.event_changes || jsonb_build_object('number', t.number)
        from t join batch b on b.id = t.id
    )
    select t.id, t.kind, t.number, t.subject, t.description, t.status, t.priority,
           t.impact, t.urgency, t.channel, t.department_id, t.tags, t.created_at, t.updated_at,
           t.first_response_at, t.resolved_at, t.closed_at, t.reopen_count, t.response_due_at,
           t.resolution_due_at,
           (t.response_breached or coalesce(t.response_due_at <= now(), false)),
           (t.resolution_breached or coalesce(t.resolution_due_at <= now(), false)),
           t.response_at_risk_at, t.resolution_at_risk_at, t.sla_paused,
           t.category_id, null::text, null::uuid,
           t.requester_id, r.name, r.email::text,
           t.assignee_id, null::text, null::text
    from t
    left join users r on r.id = t.requester_id;
end
$$;

-- Step 3: the acknowledgements, rendered by the worker once the numbers are known: the stored
-- messages (queued, or sent for a demo's outbox), their Message-IDs under their tickets, and the
-- jobs that send them (none for the demo's), each once (`on conflict do nothing`).
create function fd_intake_acknowledgements(
    p_org_ids uuid[], p_ids uuid[], p_ticket_ids uuid[], p_source_ids uuid[], p_message_ids text[],
    p_recipients jsonb, p_mails jsonb[], p_sent boolean[], p_notes text[],
    p_job_ids uuid[], p_job_kinds text[], p_job_payloads jsonb[], p_job_keys text[]
) returns void language plpgsql security definer set search_path = public, pg_temp as $$
begin
    if cardinality(p_org_ids) is distinct from cardinality(p_ids)
       or cardinality(p_org_ids) is distinct from cardinality(p_mails)
       or cardinality(p_org_ids) is distinct from jsonb_array_length(p_recipients) then
        raise exception 'fd_intake_acknowledgements: arrays of different lengths' using errcode = '22023';
    end if;
    insert into outbound_messages (org_id, id, ticket_id, kind, source_id, message_id, recipients, mail, status,
                                   last_error, sent_at)
    select u.o, u.id, u.t, 'acknowledgement', u.src, u.mid,
           array(select jsonb_array_elements_text(p_recipients -> (u.ord::integer - 1))), u.m,
           case when u.sent then 'sent' else 'queued' end, u.note, case when u.sent then now() end
    from unnest(p_org_ids, p_ids, p_ticket_ids, p_source_ids, p_message_ids, p_mails, p_sent, p_notes)
         with ordinality as u(o, id, t, src, mid, m, sent, note, ord)
    on conflict do nothing;
    insert into ticket_mail_ids (org_id, message_id, ticket_id)
    select u.o, u.mid, u.t from unnest(p_org_ids, p_message_ids, p_ticket_ids) as u(o, mid, t)
    on conflict do nothing;
    insert into jobs (id, org_id, kind, payload, dedupe_key)
    select j.id, p_org_ids[j.ord], j.kind, j.payload, j.dedupe_key
    from unnest(p_job_ids, p_job_kinds, p_job_payloads, p_job_keys) with ordinality as j(id, kind, payload, dedupe_key, ord)
    where j.id is not null
    on conflict do nothing;
end
$$;

revoke all on function fd_intake_senders(uuid[], uuid[], text[], text[], text[], timestamptz) from public;
revoke all on function fd_intake_tickets(uuid[], uuid[], text[], text[], smallint[], uuid[], uuid[], uuid[],
    jsonb[], timestamptz[], timestamptz[], timestamptz[], timestamptz[], boolean[], text[], uuid[], text[],
    jsonb, text[], bytea[], text[], text[], text[], text[], integer[], uuid[], text[], text[], bigint[],
    text[], text[], boolean[]) from public;
revoke all on function fd_intake_acknowledgements(uuid[], uuid[], uuid[], uuid[], text[], jsonb, jsonb[],
    boolean[], text[], uuid[], text[], jsonb[], text[]) from public;
grant execute on function fd_intake_senders(uuid[], uuid[], text[], text[], text[], timestamptz)
    to ferrodesk_runtime;
grant execute on function fd_intake_tickets(uuid[], uuid[], text[], text[], smallint[], uuid[], uuid[], uuid[],
    jsonb[], timestamptz[], timestamptz[], timestamptz[], timestamptz[], boolean[], text[], uuid[], text[],
    jsonb, text[], bytea[], text[], text[], text[], text[], integer[], uuid[], text[], text[], bigint[],
    text[], text[], boolean[]) to ferrodesk_runtime;
grant execute on function fd_intake_acknowledgements(uuid[], uuid[], uuid[], uuid[], text[], jsonb, jsonb[],
    boolean[], text[], uuid[], text[], jsonb[], text[]) to ferrodesk_runtime;
