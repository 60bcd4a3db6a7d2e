-- Two costs on the ticket-creation path (#2's createTicket benchmark), measured with pgbench on
-- the transaction the application runs.

-- 1. `fd_new_reply_token` (every new ticket's default) was a SQL function with a FROM clause,
--    which PostgreSQL cannot inline: every INSERT parsed, analysed and planned its body again.
--    PL/pgSQL plans once per session. Same alphabet and the same random bytes as before.
create or replace function fd_new_reply_token() returns text language plpgsql volatile parallel safe as $$
declare
    b constant bytea := uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid());
    token text := '';
begin
    for i in 0..15 loop
        token := token || substr('abcdefghijkmnpqrstuvwxyz23456789', get_byte(b, 2 * i) % 32 + 1, 1);
    end loop;
    return token;
end
$$;

-- 2. Every new ticket needs its department's SLA setup (policies, calendars, pausing statuses): a
--    four-table read per create. A version per organisation changes with any of them, and
--    `fd_enter` returns it, so the application keeps what it read for as long as the version it
--    sees at the start of a transaction is the one it read it under. Its own table rather than a
--    column of `organizations`: bumping it must not touch the organisation's `updated_at`, nor
--    wait on that row's locks.
--
--    Versions come from one sequence, so a number is never used twice for an organisation, even
--    across a deletion and re-creation of its row (the demo's nightly reset); for the same reason
--    the counter has no foreign key that would cascade it away with the organisation.
create sequence config_version_seq;
create table config_versions (
    org_id uuid primary key,
    version bigint not null
);
select fd_isolate_tenant_table('config_versions');
grant select on config_versions to ferrodesk_runtime;

-- Definers: the change may be made by a role that may not write the counter (they only ever
-- bump the counter of the organisation whose row changed).
create function fd_bump_config_version(p_org_id uuid) returns void language sql security definer
set search_path = public, pg_temp as $$
    insert into config_versions (org_id, version) values (p_org_id, nextval('config_version_seq'))
    on conflict (org_id) do update set version = excluded.version
$$;
revoke all on function fd_bump_config_version(uuid) from public;

create function config_versions_bump() returns trigger language plpgsql security definer
set search_path = public, pg_temp as $$
begin
    perform fd_bump_config_version(case when tg_op = 'DELETE' then old.org_id else new.org_id end);
    return null;
end
$$;
revoke all on function config_versions_bump() from public;

-- Departments count too: a ticket without a category goes to the oldest one.
create trigger departments_config_version after insert or update or delete on departments
    for each row execute function config_versions_bump();
create trigger business_calendars_config_version after insert or update or delete on business_calendars
    for each row execute function config_versions_bump();
create trigger sla_policies_config_version after insert or update or delete on sla_policies
    for each row execute function config_versions_bump();

create function organizations_config_version_bump() returns trigger language plpgsql security definer
set search_path = public, pg_temp as $$
begin
    perform fd_bump_config_version(new.id);
    return null;
end
$$;
revoke all on function organizations_config_version_bump() from public;
create trigger organizations_config_version after update on organizations
    for each row when (new.sla_pause_statuses is distinct from old.sla_pause_statuses)
    execute function organizations_config_version_bump();

-- The member's role and the organisation's configuration version, in the one round trip that
-- opens every member transaction. The return type changes, so the function is replaced.
drop function fd_enter(uuid, uuid);
create function fd_enter(p_org_id uuid, p_user_id uuid, out member_role text, out config_version bigint)
language plpgsql as $$
begin
    perform set_config('app.org_id', p_org_id::text, true);
    perform set_config('app.user_id', p_user_id::text, true);
    perform set_config('app.role', '', true);
    perform set_config('plan_cache_mode', 'force_generic_plan', true);
    select m.role, coalesce(v.version, 0) into member_role, config_version
    from memberships m left join config_versions v on v.org_id = m.org_id
    where m.org_id = p_org_id and m.user_id = p_user_id and m.status = 'active';
    perform set_config('app.role', coalesce(member_role, ''), true);
end
$$;
revoke all on function fd_enter(uuid, uuid) from public;
grant execute on function fd_enter(uuid, uuid) to ferrodesk_runtime;
