-- The version of what a page of tickets is made of, per organisation, for the gateway's page
-- cache (docs/ARCHITECTURE.md, "Ticket pages kept between requests").
--
-- A ticket list shows the tickets' own columns, the names and addresses of their requesters and
-- assignees (users), their categories' names, and what the reader may see of all that (their
-- membership and role, and the other members' roles). Any committed change to one of those
-- tables gives every organisation it touched a new version, in the same transaction as the
-- change: a reader that finds the version it cached a page under knows the page is still what
-- the query would return (apart from the clock, which the cache bounds by itself).
--
-- Versions come from one sequence, as configuration versions do (…09_create_path): a number is
-- never used twice for an organisation, even across the demo's nightly deletion and
-- re-creation of it, so the table has no foreign key that would cascade its rows away.
create sequence page_version_seq;
create table page_versions (
    org_id uuid primary key,
    version bigint not null
);
select fd_isolate_tenant_table('page_versions');
grant select on page_versions to ferrodesk_runtime;

-- A definer: the change may be made by a role that may not write versions. Organisations are
-- taken in a fixed order, so two statements bumping the same ones lock them in the same order.
-- PL/pgSQL so that its statement is planned once per session (…10_planned_once).
create function fd_bump_page_versions(p_orgs uuid[]) returns void language plpgsql security definer
set search_path = public, pg_temp as $$
begin
    insert into page_versions (org_id, version)
    select o, nextval('page_version_seq')
    from (select distinct o from unnest(p_orgs) as o where o is not null order by o) s
    on conflict (org_id) do update set version = excluded.version;
end
$$;
revoke all on function fd_bump_page_versions(uuid[]) from public;

-- One bump per statement, not per row: the bench's COPY of a million tickets, a sweep over many
-- tickets or a cascade from a deleted organisation bump each organisation once. A transition
-- table serves one event only, so each table has three triggers; all of them name their rows
-- `changed` (new rows, or the old ones of a delete) for this one function.
create function page_versions_bump() returns trigger language plpgsql security definer
set search_path = public, pg_temp as $$
begin
    perform fd_bump_page_versions(array(select distinct org_id from changed));
    return null;
end
$$;
revoke all on function page_versions_bump() from public;

do $$
declare
    t text;
begin
    foreach t in array array['tickets', 'categories', 'memberships'] loop
        execute format('create trigger %1$s_page_version_insert after insert on %1$I
            referencing new table as changed for each statement execute function page_versions_bump()', t);
        execute format('create trigger %1$s_page_version_update after update on %1$I
            referencing new table as changed for each statement execute function page_versions_bump()', t);
        execute format('create trigger %1$s_page_version_delete after delete on %1$I
            referencing old table as changed for each statement execute function page_versions_bump()', t);
    end loop;
end
$$;

-- Users are global: a new name or address is news to every organisation the person belongs to.
-- (A deleted user leaves through their memberships and tickets, whose triggers see to it.)
-- Per row, because a trigger with a column list cannot have transition tables; names change
-- one person at a time.
create function users_page_version_bump() returns trigger language plpgsql security definer
set search_path = public, pg_temp as $$
begin
    perform fd_bump_page_versions(array(select m.org_id from memberships m where m.user_id = new.id));
    return null;
end
$$;
revoke all on function users_page_version_bump() from public;

create trigger users_page_version after update of name, email on users
    for each row when (old.name is distinct from new.name or old.email is distinct from new.email)
    execute function users_page_version_bump();

-- The version a member's page was made under: null when they are not an active member (the
-- request then goes the uncached way, which answers why). One statement outside any
-- transaction, the cache's only round trip on a hit, so it is as cheap as it can be made: a
-- definer (a number is all it returns, and only for the member asked about) with its tables
-- named by schema instead of a search_path of its own, which would cost a configuration
-- change per call; and no RLS setup. PL/pgSQL so that the query is planned once per session.
create function fd_page_version(p_org_id uuid, p_user_id uuid) returns bigint
language plpgsql stable security definer as $$
begin
    return (select coalesce(v.version, 0)
            from public.memberships m left join public.page_versions v on v.org_id = m.org_id
            where m.org_id = p_org_id and m.user_id = p_user_id and m.status = 'active');
end
$$;
revoke all on function fd_page_version(uuid, uuid) from public;
grant execute on function fd_page_version(uuid, uuid) to ferrodesk_runtime;
