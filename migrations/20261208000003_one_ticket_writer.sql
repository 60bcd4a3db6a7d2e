-- One writer of ticket rows. Every way a ticket comes to be (a member's one statement, a
-- transaction, the mail intake's batch, the demo's dataset) hands `fd_insert_tickets` an array of
-- `new_ticket`: it numbers them per organisation and kind from `record_counters`, inserts them and
-- appends each one's `ticket.created` event, and returns them as reads project them.

create type new_ticket as (
    org_id uuid,
    id uuid,
    kind text,
    subject text,
    description text,
    status text,
    priority smallint,
    impact text,
    urgency text,
    channel text,
    department_id uuid,
    category_id uuid,
    requester_id uuid,
    assignee_id uuid,
    created_by uuid,
    tags text[],
    -- The `ticket.created` event: its id, and its details (the number is added to them).
    event_id uuid,
    event_changes jsonb,
    response_due_at timestamptz,
    resolution_due_at timestamptz,
    response_at_risk_at timestamptz,
    resolution_at_risk_at timestamptz,
    sla_paused boolean,
    source_inbound_id uuid,
    follow_up_of uuid,
    -- null: a new one.
    reply_token text,
    -- The life a ticket already had, for the demo's dataset; null for one that starts now.
    created_at timestamptz,
    updated_at timestamptz,
    first_response_at timestamptz,
    resolved_at timestamptz,
    closed_at timestamptz,
    reopen_count integer,
    response_breached boolean,
    resolution_breached boolean
);

-- The array is read with `unnest … with ordinality`, which expands each element once: reading
-- `(p_tickets[i]).*` fetched the element again for every column, a tenth of a single create.
-- Numbers follow the array's order within each organisation and kind. The counter rows are
-- taken in (organisation, kind) order and stay locked until commit, so concurrent writers never
-- deadlock on them and never share a number.
create function fd_insert_tickets(p_tickets new_ticket[])
returns setof ticket_view language plpgsql as $$
begin
    return query
    with batch as (
        select b.*, row_number() over (partition by b.org_id, b.kind order by b.ordinality) as nth
        from unnest(p_tickets) with ordinality as b
    ), taken as (
        select b.org_id, b.kind, count(*)::integer as n from batch b group by b.org_id, b.kind
    ), counter as (
        insert into record_counters (org_id, kind, last_number)
        select k.org_id, k.kind, k.n from taken k order by k.org_id, k.kind
        on conflict (org_id, kind) do update set last_number = record_counters.last_number + excluded.last_number
        returning record_counters.org_id, record_counters.kind, record_counters.last_number
    ), t as (
        insert into tickets (org_id, id, kind, number, subject, description, status, priority, impact,
                             urgency, channel, department_id, category_id, requester_id, assignee_id,
                             created_by, tags, response_due_at, resolution_due_at, response_at_risk_at,
                             resolution_at_risk_at, sla_paused, source_inbound_id, follow_up_of,
                             reply_token, created_at, updated_at, first_response_at, resolved_at,
                             closed_at, reopen_count, response_breached, resolution_breached)
        select b.org_id, b.id, b.kind, (c.last_number - k.n + b.nth)::integer, b.subject, b.description,
               b.status, b.priority, b.impact, b.urgency, b.channel, b.department_id, b.category_id,
               b.requester_id, b.assignee_id, b.created_by, coalesce(b.tags, '{}'), b.response_due_at,
               b.resolution_due_at, b.response_at_risk_at, b.resolution_at_risk_at,
               coalesce(b.sla_paused, false), b.source_inbound_id, b.follow_up_of,
               coalesce(b.reply_token, fd_new_reply_token()), coalesce(b.created_at, now()),
               coalesce(b.updated_at, b.created_at, now()), b.first_response_at, b.resolved_at,
               b.closed_at, coalesce(b.reopen_count, 0), coalesce(b.response_breached, false),
               coalesce(b.resolution_breached, false)
        from batch b
        join counter c on c.org_id = b.org_id and c.kind = b.kind
        join taken k on k.org_id = b.org_id and k.kind = b.kind
        order by b.org_id, b.kind, b.nth
        returning *
    ), created as (
        insert into events (org_id, id, subject_type, subject_id, actor_id, action, changes, created_at)
        select t.org_id, b.event_id, 'ticket', t.id, t.created_by, 'ticket.created',
               b.event_changes || jsonb_build_object('number', t.number), t.created_at
        from t join batch b on b.id = t.id
    )
    select t.id, t.kind, t.number, t.subject, t.description, t.status, t.priority,
           t.impact, t.urgency, t.channel, t.department_id, t.tags, t.created_at, t.updated_at,
           t.first_response_at, t.resolved_at, t.closed_at, t.reopen_count, t.response_due_at,
           t.resolution_due_at,
           (t.response_breached or coalesce(t.response_due_at <= now(), false)),
           (t.resolution_breached or coalesce(t.resolution_due_at <= now(), false)),
           t.response_at_risk_at, t.resolution_at_risk_at, t.sla_paused,
           t.category_id, c.name, c.parent_id,
           t.requester_id, r.name, r.email::text,
           t.assignee_id, a.name, a.email::text
    from t
    left join categories c on c.org_id = t.org_id and c.id = t.category_id
    left join memberships r on r.org_id = t.org_id and r.user_id = t.requester_id
    left join memberships a on a.org_id = t.org_id and a.user_id = t.assignee_id;
end
$$;
revoke all on function fd_insert_tickets(new_ticket[]) from public;
grant execute on function fd_insert_tickets(new_ticket[]) to ferrodesk_runtime, ferrodesk_worker;

-- A member's ticket in one statement: the checks, then the writer.
create or replace function fd_create_ticket(p_user_id uuid, p_role text, p_config_version bigint, p_org_id uuid,
    p_id uuid, p_kind text, p_subject text, p_description text, p_status text, p_priority smallint,
    p_impact text, p_urgency text, p_channel text, p_department_id uuid, p_category_id uuid,
    p_requester_id uuid, p_assignee_id uuid, p_created_by uuid, p_tags text[], p_event_id uuid,
    p_event_changes jsonb, p_response_due_at timestamptz, p_resolution_due_at timestamptz,
    p_response_at_risk_at timestamptz, p_resolution_at_risk_at timestamptz, p_sla_paused boolean,
    p_source_inbound_id uuid, p_follow_up_of uuid)
returns setof ticket_view language plpgsql as $$
declare
    entered record;
begin
    select e.member_role, e.config_version into entered from fd_enter(p_org_id, p_user_id) e;
    if entered.member_role is distinct from p_role
       or entered.config_version is distinct from p_config_version then
        return;
    end if;
    -- Each check only when it applies: a condition with a subquery is a query of its own (an
    -- executor started and stopped) even where `and` would never reach the subquery.
    if p_category_id is not null then
        if not exists (
            select from categories c
            where c.org_id = p_org_id and c.id = p_category_id and c.department_id = p_department_id
        ) then
            return;
        end if;
    end if;
    if p_assignee_id is not null then
        if not exists (
            select from memberships m
            where m.org_id = p_org_id and m.user_id = p_assignee_id and m.status = 'active'
              and m.role in ('owner', 'admin', 'agent')
        ) then
            return;
        end if;
    end if;
    return query select * from fd_insert_tickets(array[row(
        p_org_id, p_id, p_kind, p_subject, p_description, p_status, p_priority, p_impact, p_urgency,
        p_channel, p_department_id, p_category_id, p_requester_id, p_assignee_id, p_created_by,
        p_tags, p_event_id, p_event_changes, p_response_due_at, p_resolution_due_at,
        p_response_at_risk_at, p_resolution_at_risk_at, p_sla_paused, p_source_inbound_id,
        p_follow_up_of, null, null, null, null, null, null, null, null, null)::new_ticket]);
end
$$;

drop function fd_insert_ticket(uuid, uuid, text, text, text, text, smallint, text, text, text,
    uuid, uuid, uuid, uuid, uuid, text[], uuid, jsonb, timestamptz, timestamptz, timestamptz,
    timestamptz, boolean, uuid, uuid, text);

-- The intake's batch: its raw messages, Message-IDs and attachments, then its tickets through the writer.
create or replace function fd_intake_tickets(p_org_ids uuid[], p_ids uuid[], p_subjects text[],
    p_descriptions text[], p_priorities smallint[], p_department_ids uuid[], p_requester_ids uuid[],
    p_event_ids uuid[], p_event_changes jsonb[], p_response_due timestamp with time zone[],
    p_resolution_due timestamp with time zone[], p_response_risk timestamp with time zone[],
    p_resolution_risk timestamp with time zone[], p_paused boolean[], p_reply_tokens text[],
    p_inbound_ids uuid[], p_mail_froms text[], p_rcpt_tos jsonb, p_peers text[], p_raws bytea[],
    p_dedupe_keys text[], p_message_ids text[], p_from_addresses text[], p_raw_subjects text[],
    p_file_ords integer[], p_file_ids uuid[], p_file_names text[], p_file_types text[],
    p_file_sizes bigint[], p_file_sha256 text[], p_file_content_ids text[], p_file_inline boolean[],
    p_auths jsonb[])
returns setof ticket_view language plpgsql security definer set search_path = public, pg_temp as $$
begin
    if cardinality(p_org_ids) is distinct from cardinality(p_ids)
       or cardinality(p_org_ids) is distinct from cardinality(p_inbound_ids)
       or cardinality(p_org_ids) is distinct from cardinality(p_raws)
       or cardinality(p_org_ids) is distinct from cardinality(p_auths)
       or cardinality(p_org_ids) is distinct from jsonb_array_length(p_rcpt_tos) then
        raise exception 'fd_intake_tickets: arrays of different lengths' using errcode = '22023';
    end if;
    insert into inbound_messages (org_id, id, mail_from, rcpt_to, peer, size_bytes, raw, status, dedupe_key,
                                  message_id, from_address, subject, ticket_id, processed_at, auth)
    select u.o, u.i, u.mf, array(select jsonb_array_elements_text(p_rcpt_tos -> (u.ord::integer - 1))),
           u.p, octet_length(u.r), u.r, 'processed', u.d, u.mid, u.fa, u.s, u.t, now(), u.a
    from unnest(p_org_ids, p_inbound_ids, p_mail_froms, p_peers, p_raws, p_dedupe_keys, p_message_ids,
                p_from_addresses, p_raw_subjects, p_ids, p_auths)
         with ordinality as u(o, i, mf, p, r, d, mid, fa, s, t, a, ord);
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
    select * from fd_insert_tickets(array(
        select row(u.o, u.id, 'incident', u.subject, u.description, 'new', u.priority, null, null, 'email',
                   u.department_id, null, u.requester_id, null, u.requester_id, '{}', u.event_id,
                   u.event_changes, u.response_due, u.resolution_due, u.response_risk, u.resolution_risk,
                   u.paused, u.inbound_id, null, u.reply_token, null, null, null, null, null, null, null,
                   null)::new_ticket
        from unnest(p_org_ids, p_ids, p_subjects, p_descriptions, p_priorities, p_department_ids,
                    p_requester_ids, p_event_ids, p_event_changes, p_response_due, p_resolution_due,
                    p_response_risk, p_resolution_risk, p_paused, p_inbound_ids, p_reply_tokens)
             with ordinality as u(o, id, subject, description, priority, department_id, requester_id,
                                  event_id, event_changes, response_due, resolution_due, response_risk,
                                  resolution_risk, paused, inbound_id, reply_token, ord)
        order by u.ord));
end
$$;
