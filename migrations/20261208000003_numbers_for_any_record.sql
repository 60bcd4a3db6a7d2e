-- Numbers for any kind of record: `record_counters` holds each organisation's last number per
-- kind (INC, REQ today; every numbered module adds its kind), gapless and never shared, because
-- the row a number comes from stays locked until its transaction ends. `fd_next_number` takes
-- one; the ticket writer takes a batch's worth at once from the same rows.

alter table ticket_counters rename to record_counters;
alter table record_counters rename constraint ticket_counters_pkey to record_counters_pkey;
alter table record_counters rename constraint ticket_counters_org_id_fkey to record_counters_org_id_fkey;
alter table record_counters add constraint record_counters_last_number_check check (last_number >= 0);

-- Ticket pages change with every new ticket: a ticket's number takes the page-version row first,
-- so that locks are taken in one order. Other kinds' numbers leave ticket pages alone.
drop trigger ticket_counters_page_version_first on record_counters;
alter function ticket_counters_page_version_first() rename to ticket_numbers_page_version_first;
create trigger ticket_numbers_page_version_first before insert on record_counters
    for each row when (new.kind in ('incident', 'service_request'))
    execute function ticket_numbers_page_version_first();

-- The next number of `p_kind` in the transaction's organisation (row security applies).
create function fd_next_number(p_kind text) returns integer language sql as $$
    insert into record_counters (org_id, kind, last_number)
    values (nullif(current_setting('app.org_id', true), '')::uuid, p_kind, 1)
    on conflict (org_id, kind) do update set last_number = record_counters.last_number + 1
    returning last_number
$$;
revoke all on function fd_next_number(text) from public;
grant execute on function fd_next_number(text) to ferrodesk_runtime;

create or replace function fd_insert_tickets(p_tickets new_ticket[])
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
