-- A member's transaction plans its statements once per connection (generic plans) instead of at
-- every execution. Every tenant statement is keyed by `org_id = $1` and enum or id conditions, for
-- which the generic plan is the custom plan, but PostgreSQL's `auto` mode kept choosing custom
-- plans for the agent queue (its generic cost estimate is a few percent higher), so the queue was
-- planned again on every request: a third of PostgreSQL's time on that query. Statements whose
-- best plan depends on the values (free-text search, tags) switch back to `auto` first
-- (`TenantTx::plan_for_values`). System transactions of the worker are unaffected.
create or replace function fd_enter(p_org_id uuid, p_user_id uuid) returns text language plpgsql as $$
declare
    v_role text;
begin
    perform set_config('app.org_id', p_org_id::text, true);
    perform set_config('app.user_id', p_user_id::text, true);
    perform set_config('app.role', '', true);
    perform set_config('plan_cache_mode', 'force_generic_plan', true);
    select m.role into v_role from memberships m
    where m.org_id = p_org_id and m.user_id = p_user_id and m.status = 'active';
    perform set_config('app.role', coalesce(v_role, ''), true);
    return v_role;
end
$$;
