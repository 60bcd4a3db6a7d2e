-- A ticket is created by one statement text, and a member can create one in a single autocommit
-- round trip (docs/ARCHITECTURE.md, "Creating a ticket in one round trip").
--
-- `fd_insert_ticket` is the creation statement that used to live in the application: the next
-- number, the ticket, its creation event and the row as every ticket read projects it. It runs
-- with the caller's rights in the caller's tenant settings, so row-level security checks every
-- row it writes and reads. PL/pgSQL so that it is planned once per session (…10_planned_once).
--
-- `fd_create_ticket` enters the member's tenant as `fd_enter` does and creates the ticket only
-- if everything the application decided the ticket from is still true in this statement: the
-- member's role, the organisation's configuration version (the SLA setup the clock was started
-- from), the category's department, and that an assignee is an active agent, admin or owner.
-- Otherwise it returns no row and writes nothing, and the application takes its ordinary path
-- (a transaction that reads all of that afresh and reports errors in its own words). Called
-- outside a transaction, the settings `fd_enter` makes end with the statement.

-- What every ticket read returns (crates/db/src/tickets.rs, `ticket_projection!`).
create type ticket_view as (
    id uuid,
    kind text,
    number integer,
    subject text,
    description text,
    status text,
    priority smallint,
    impact text,
    urgency text,
    channel text,
    department_id uuid,
    tags text[],
    created_at timestamptz,
    updated_at timestamptz,
    first_response_at timestamptz,
    resolved_at timestamptz,
    closed_at timestamptz,
    reopen_count integer,
    response_due_at timestamptz,
    resolution_due_at timestamptz,
    response_breached boolean,
    resolution_breached boolean,
    response_at_risk_at timestamptz,
    resolution_at_risk_at timestamptz,
    sla_paused boolean,
    category_id uuid,
    category_name text,
    category_parent_id uuid,
    requester_id uuid,
    requester_name text,
    requester_email text,
    assignee_id uuid,
    assignee_name text,
    assignee_email text
);

create function fd_insert_ticket(
    p_org_id uuid, p_id uuid, p_kind text, p_subject text, p_description text, p_status text,
    p_priority smallint, p_impact text, p_urgency text, p_channel text, p_department_id uuid,
    p_category_id uuid, p_requester_id uuid, p_assignee_id uuid, p_created_by uuid, p_tags text[],
    p_event_id uuid, p_event_changes jsonb, p_response_due_at timestamptz,
    p_resolution_due_at timestamptz, p_response_at_risk_at timestamptz,
    p_resolution_at_risk_at timestamptz, p_sla_paused boolean, p_source_inbound_id uuid,
    p_follow_up_of uuid
) returns setof ticket_view language plpgsql as $$
begin
    return query
    with counter as (
        insert into ticket_counters (org_id, kind, last_number) values (p_org_id, p_kind, 1)
        on conflict (org_id, kind) do update set last_number = ticket_counters.last_number + 1
        returning last_number
    ), t as (
        insert into tickets (org_id, id, kind, number, subject, description, status, priority, impact,
                             urgency, channel, department_id, category_id, requester_id, assignee_id,
                             created_by, tags, response_due_at, resolution_due_at, response_at_risk_at,
                             resolution_at_risk_at, sla_paused, source_inbound_id, follow_up_of)
        select p_org_id, p_id, p_kind, counter.last_number, p_subject, p_description, p_status,
               p_priority, p_impact, p_urgency, p_channel, p_department_id, p_category_id,
               p_requester_id, p_assignee_id, p_created_by, p_tags, p_response_due_at,
               p_resolution_due_at, p_response_at_risk_at, p_resolution_at_risk_at, p_sla_paused,
               p_source_inbound_id, p_follow_up_of
        from counter
        returning *
    ), created as (
        insert into events (org_id, id, subject_type, subject_id, actor_id, action, changes)
        select t.org_id, p_event_id, 'ticket', t.id, p_created_by, 'ticket.created',
               p_event_changes || jsonb_build_object('number', t.number)
        from t
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
    left join users r on r.id = t.requester_id
    left join users a on a.id = t.assignee_id;
end
$$;
revoke all on function fd_insert_ticket(uuid, uuid, text, text, text, text, smallint, text, text, text,
    uuid, uuid, uuid, uuid, uuid, text[], uuid, jsonb, timestamptz, timestamptz, timestamptz,
    timestamptz, boolean, uuid, uuid) from public;
grant execute on function fd_insert_ticket(uuid, uuid, text, text, text, text, smallint, text, text, text,
    uuid, uuid, uuid, uuid, uuid, text[], uuid, jsonb, timestamptz, timestamptz, timestamptz,
    timestamptz, boolean, uuid, uuid) to ferrodesk_runtime;

create function fd_create_ticket(
    p_user_id uuid, p_role text, p_config_version bigint,
    p_org_id uuid, p_id uuid, p_kind text, p_subject text, p_description text, p_status text,
    p_priority smallint, p_impact text, p_urgency text, p_channel text, p_department_id uuid,
    p_category_id uuid, p_requester_id uuid, p_assignee_id uuid, p_created_by uuid, p_tags text[],
    p_event_id uuid, p_event_changes jsonb, p_response_due_at timestamptz,
    p_resolution_due_at timestamptz, p_response_at_risk_at timestamptz,
    p_resolution_at_risk_at timestamptz, p_sla_paused boolean, p_source_inbound_id uuid,
    p_follow_up_of uuid
) returns setof ticket_view language plpgsql as $$
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
    return query select * from fd_insert_ticket(
        p_org_id, p_id, p_kind, p_subject, p_description, p_status, p_priority, p_impact, p_urgency,
        p_channel, p_department_id, p_category_id, p_requester_id, p_assignee_id, p_created_by,
        p_tags, p_event_id, p_event_changes, p_response_due_at, p_resolution_due_at,
        p_response_at_risk_at, p_resolution_at_risk_at, p_sla_paused, p_source_inbound_id,
        p_follow_up_of);
end
$$;
revoke all on function fd_create_ticket(uuid, text, bigint, uuid, uuid, text, text, text, text,
    smallint, text, text, text, uuid, uuid, uuid, uuid, uuid, text[], uuid, jsonb, timestamptz,
    timestamptz, timestamptz, timestamptz, boolean, uuid, uuid) from public;
grant execute on function fd_create_ticket(uuid, text, bigint, uuid, uuid, text, text, text, text,
    smallint, text, text, text, uuid, uuid, uuid, uuid, uuid, text[], uuid, jsonb, timestamptz,
    timestamptz, timestamptz, timestamptz, boolean, uuid, uuid) to ferrodesk_runtime;
