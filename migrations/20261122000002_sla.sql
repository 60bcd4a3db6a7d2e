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

do $$
declare
    t text;
begin
    foreach t in array array['business_calendars', 'sla_policies']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format(
            'create policy tenant_isolation on %I
                 using (org_id = nullif(current_setting(''app.org_id'', true), '''')::uuid)
                 with check (org_id = nullif(current_setting(''app.org_id'', true), '''')::uuid)', t);
    end loop;
end
$$;

grant select, insert, update, delete on business_calendars, sla_policies to ferrodesk_runtime;

-- The clock's state as of the last change, derived by crates/sla from the ticket's events: due
-- instants to sort and filter by, and the instants at which a sweep must look again (at risk at
-- 80% of the target). Due times are null while the clock is paused or stopped.
alter table tickets
    add column response_at_risk_at timestamptz,
    add column resolution_at_risk_at timestamptz,
    add column sla_paused boolean not null default false;

-- Agents sort the queue by what falls due first.
create index tickets_resolution_due_idx on tickets (org_id, resolution_due_at, id)
    where status in ('new', 'open', 'pending');
