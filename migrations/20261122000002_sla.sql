-- SLA: business calendars and per-department, per-priority targets (docs/ARCHITECTURE.md §SLA).

create table business_calendars (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    name text not null check (length(btrim(name)) between 1 and 80),
    time_zone text not null,
    -- [{"day": "mon", "start": "09:00", "end": "17:00", "overnight": false}, …]; validated by the
    -- application (crates/sla) before it is written.
    working_hours jsonb not null check (jsonb_typeof(working_hours) = 'array'),
    holidays date[] not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (org_id, id),
    constraint business_calendars_name_key unique (org_id, name)
);
create trigger business_calendars_updated_at before update on business_calendars
    for each row execute function set_updated_at();

create table sla_policies (
    org_id uuid not null references organizations (id) on delete cascade,
    id uuid not null,
    department_id uuid not null,
    priority smallint not null check (priority between 1 and 4),
    calendar_id uuid not null,
    -- Business minutes; null means no target of that kind.
    first_response_minutes integer check (first_response_minutes > 0),
    resolution_minutes integer check (resolution_minutes > 0),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (org_id, id),
    constraint sla_policies_priority_key unique (org_id, department_id, priority),
    foreign key (org_id, department_id) references departments (org_id, id) on delete cascade,
    -- A calendar in use cannot be deleted: the policies name it.
    constraint sla_policies_calendar_fkey foreign key (org_id, calendar_id)
        references business_calendars (org_id, id)
);
create trigger sla_policies_updated_at before update on sla_policies
    for each row execute function set_updated_at();

-- Statuses in which the clocks stop (waiting on the requester by default).
alter table organizations add column sla_pause_statuses text[] not null default '{pending}'
    check (sla_pause_statuses <@ array['new', 'open', 'pending']);



-- The clock's state as of the last change, derived by crates/sla from the ticket's events: due
-- instants to sort and filter by, and the instants at which a sweep must look again (at risk at
-- 80% of the target). Due times are null while the clock is paused or stopped.
alter table tickets
    add column response_at_risk_at timestamptz,
    add column resolution_at_risk_at timestamptz,
    add column sla_paused boolean not null default false;

-- Agents sort the queue by what falls due first (no due time sorts last).
create index tickets_resolution_due_idx
    on tickets (org_id, coalesce(resolution_due_at, 'infinity'::timestamptz), id)
    where status in ('new', 'open', 'pending');

-- The sweep looks across tenants for clocks that have reached 80% or their due time.
create index tickets_response_risk_idx on tickets (response_at_risk_at)
    where status in ('new', 'open', 'pending') and response_at_risk_at is not null;
create index tickets_resolution_risk_idx on tickets (resolution_at_risk_at)
    where status in ('new', 'open', 'pending') and resolution_at_risk_at is not null;
create index tickets_response_due_idx on tickets (response_due_at)
    where status in ('new', 'open', 'pending') and response_due_at is not null;
create index tickets_resolution_due_sweep_idx on tickets (resolution_due_at)
    where status in ('new', 'open', 'pending') and resolution_due_at is not null;

-- One row per escalation ever raised: the unique key makes the sweep exactly-once per ticket,
-- kind and due instant, across restarts and concurrent workers. A new due instant (after a pause
-- or a priority change) can escalate again.
-- No separate foreign key to organizations on the two tables the sweep writes: the composite keys
-- to tickets and memberships imply it (and cascade from it), and each extra key is a trigger per
-- row in a sweep that may write tens of thousands.
create table sla_escalations (
    org_id uuid not null,
    id uuid not null,
    ticket_id uuid not null,
    kind text not null check (kind in ('response_at_risk', 'response_breached',
                                       'resolution_at_risk', 'resolution_breached')),
    due_at timestamptz not null,
    created_at timestamptz not null default now(),
    primary key (org_id, id),
    constraint sla_escalations_once unique (org_id, ticket_id, kind, due_at),
    foreign key (org_id, ticket_id) references tickets (org_id, id) on delete cascade
);

-- In-app notifications, each for one member.
create table notifications (
    org_id uuid not null,
    id uuid not null,
    user_id uuid not null,
    kind text not null,
    ticket_id uuid,
    title text not null,
    created_at timestamptz not null default now(),
    read_at timestamptz,
    primary key (org_id, id),
    foreign key (org_id, user_id) references memberships (org_id, user_id) on delete cascade,
    foreign key (org_id, ticket_id) references tickets (org_id, id) on delete cascade
);
create index notifications_user_idx on notifications (org_id, user_id, created_at desc, id);

select fd_isolate_tenant_table(t)
from unnest(array['business_calendars', 'sla_policies', 'sla_escalations', 'notifications']::regclass[]) as t;

-- A person reads and marks only their own notifications.
create policy own_notifications on notifications as restrictive
    using (fd_role() = 'system' or user_id = fd_user_id());

grant select, insert, update, delete on business_calendars, sla_policies to ferrodesk_runtime;
grant select on sla_escalations to ferrodesk_runtime;
grant select, insert, update on notifications to ferrodesk_runtime;

-- The SLA sweep, set-wise across tenants (DESIGN §2.2): records each new at-risk or breach
-- escalation once, and notifies the assignee (or, for an
-- unassigned ticket or a breach, the organisation's owners and admins). Returns the number of
-- escalations raised. Safe to run from several workers at once: the unique key decides. It never
-- writes tickets: a breach that time brings is read from the due instant.
create function fd_sla_sweep(p_now timestamptz, p_limit integer)
returns integer language plpgsql security definer set search_path = public, pg_temp as $$
declare
    v_raised integer;
begin
    with due as (
        select org_id, id, 'response_at_risk' as kind, response_due_at as due_at, assignee_id, kind as tkind, number
        from tickets where status in ('new', 'open', 'pending') and response_at_risk_at <= p_now
        union all
        select org_id, id, 'resolution_at_risk', resolution_due_at, assignee_id, kind, number
        from tickets where status in ('new', 'open', 'pending') and resolution_at_risk_at <= p_now
        union all
        select org_id, id, 'response_breached', response_due_at, assignee_id, kind, number
        from tickets where status in ('new', 'open', 'pending') and response_due_at <= p_now
        union all
        select org_id, id, 'resolution_breached', resolution_due_at, assignee_id, kind, number
        from tickets where status in ('new', 'open', 'pending') and resolution_due_at <= p_now
    ), fresh as (
        select d.* from due d
        where d.due_at is not null and not exists (
            select 1 from sla_escalations e
            where e.org_id = d.org_id and e.ticket_id = d.id and e.kind = d.kind and e.due_at = d.due_at)
        limit p_limit
    ), raised as (
        insert into sla_escalations (org_id, id, ticket_id, kind, due_at)
        select org_id, gen_random_uuid(), id, kind, due_at from fresh
        on conflict do nothing
        returning org_id, ticket_id, kind
    ), escalated as (
        -- What was raised, with the ticket's details carried from `fresh` (no second lookup).
        select f.org_id, f.id as ticket_id, f.kind, f.assignee_id, f.tkind, f.number
        from raised r join fresh f on f.org_id = r.org_id and f.id = r.ticket_id and f.kind = r.kind
    ), recipients as (
        -- Two branches rather than one join on "assignee or admin", so each uses its index.
        select e.*, e.assignee_id as user_id
        from escalated e
        join memberships m on m.org_id = e.org_id and m.user_id = e.assignee_id and m.status = 'active'
        union
        select e.*, m.user_id
        from escalated e
        join memberships m on m.org_id = e.org_id and m.role in ('owner', 'admin') and m.status = 'active'
        where e.assignee_id is null or e.kind like '%breached'
    ), notified as (
        insert into notifications (org_id, id, user_id, kind, ticket_id, title)
        select rc.org_id, gen_random_uuid(), rc.user_id, 'sla.' || rc.kind, rc.ticket_id,
               case rc.tkind when 'incident' then 'INC-' else 'REQ-' end || lpad(rc.number::text, 4, '0')
               || case rc.kind
                      when 'response_at_risk' then ': first response due soon'
                      when 'resolution_at_risk' then ': resolution due soon'
                      when 'response_breached' then ': first response overdue'
                      else ': resolution overdue' end
        from recipients rc
        returning 1
    )
    -- Postgres runs every data-modifying CTE once, referenced or not, so `notified` happens.
    select count(*) into v_raised from raised;
    return v_raised;
end
$$;
revoke all on function fd_sla_sweep(timestamptz, integer) from public;
grant execute on function fd_sla_sweep(timestamptz, integer) to ferrodesk_runtime;
