-- A lapsed organisation's writes fail in the database (docs/SECURITY.md, "Read-only is the
-- database's"), whatever shape the request that makes them has. The gateway used to find the
-- mutation's root fields in the GraphQL document and refuse it; a document of nested fragments
-- could hide them, and every other door needed its own copy of the check.
--
-- THE rule is here, once: `fd_read_only_reason`. It reads the deployment's billing mode from
-- `app.billing`, which the gateway sets on each of its connections (`on` with BILLING=stripe): with
-- billing off, and for the demo, nothing is ever read-only. The application asks this function
-- for what it shows (the banner, `subscription.readOnly`) and never decides it itself.

create function fd_read_only_reason(o organizations) returns text language sql stable as $$
    select case
        when coalesce(current_setting('app.billing', true), '') <> 'on' or o.is_demo then null
        when o.subscription_status = 'active' then null
        -- A trial Stripe runs (a subscription exists) ends with Stripe's own update; our own
        -- trial ends at trial_ends_at.
        when o.subscription_status = 'trialing' then
            case when o.stripe_subscription_id is null and o.trial_ends_at <= now() then 'trial_ended' end
        when o.subscription_status = 'past_due' then
            case when o.grace_ends_at <= now() then 'payment_overdue' end
        when o.subscription_status = 'unpaid' then 'unpaid'
        when o.subscription_status = 'canceled' then 'canceled'
    end
$$;
revoke all on function fd_read_only_reason(organizations) from public;
grant execute on function fd_read_only_reason(organizations) to ferrodesk_runtime;

-- Before any statement that writes a tenant table, in a member's transaction: refused with
-- SQLSTATE FD001 (READ_ONLY_TENANT) while the member's organisation is read-only. Decided once per
-- transaction (`app.write_state`), at its first write; reads never pay for it. The worker's
-- system work (mail intake, Stripe events) is not a member's and goes on: mail still arrives, and
-- paying is what makes the organisation writable again. Starting a checkout writes the Stripe
-- customer as the member, and says so with `app.billing_write`.
create function fd_refuse_writes_when_read_only() returns trigger language plpgsql security definer
set search_path = public, pg_temp as $$
declare
    v_state text := coalesce(current_setting('app.write_state', true), '');
begin
    if v_state = '' then
        if coalesce(current_setting('app.billing', true), '') <> 'on'
           or fd_role() not in ('owner', 'admin', 'agent', 'stakeholder', 'requester') then
            v_state := 'writable';
        else
            select coalesce(fd_read_only_reason(o), 'writable') into v_state from organizations o
            where o.id = nullif(current_setting('app.org_id', true), '')::uuid;
            v_state := coalesce(v_state, 'writable');
        end if;
        perform set_config('app.write_state', v_state, true);
    end if;
    if v_state <> 'writable' and coalesce(current_setting('app.billing_write', true), '') <> 'on' then
        raise exception 'this organisation is read-only until its subscription is renewed (%)', v_state
            using errcode = 'FD001';
    end if;
    return null;
end
$$;
revoke all on function fd_refuse_writes_when_read_only() from public;

-- Every tenant table, and every one to come: fd_isolate_tenant_table installs the guard with the
-- policy (tests/it/schema_guard checks both).
create or replace function fd_isolate_tenant_table(p_table regclass) returns void language plpgsql as $$
begin
    execute format('alter table %s enable row level security', p_table);
    execute format('alter table %s force row level security', p_table);
    execute format(
        'create policy tenant_isolation on %s
             using (org_id = nullif(current_setting(''app.org_id'', true), '''')::uuid)
             with check (org_id = nullif(current_setting(''app.org_id'', true), '''')::uuid)', p_table);
    perform fd_guard_read_only(p_table);
end
$$;

create function fd_guard_read_only(p_table regclass) returns void language plpgsql as $$
begin
    execute format(
        'create trigger refuse_writes_when_read_only before insert or update or delete on %s
             for each statement execute function fd_refuse_writes_when_read_only()', p_table);
end
$$;
revoke all on function fd_guard_read_only(regclass) from public;

-- The tables that exist: every one with the tenant policy, and the organisation's own row.
select fd_guard_read_only(c.oid::regclass)
from pg_class c
where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
  and (exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = 'tenant_isolation'));
