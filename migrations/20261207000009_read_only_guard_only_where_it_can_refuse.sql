-- The read-only guard's trigger runs its function only where it could refuse: with billing on
-- (`app.billing`, which only the gateway sets) and before the transaction has been found
-- writable. The condition is the function's own first test, moved where PostgreSQL evaluates it
-- without calling the function (a definer with a pinned search_path costs a configuration change
-- per call), so the worker's writes and the second and later writes of a transaction skip it.

create or replace function fd_guard_read_only(p_table regclass) returns void language plpgsql as $$
begin
    execute format('drop trigger if exists refuse_writes_when_read_only on %s', p_table);
    execute format(
        'create trigger refuse_writes_when_read_only before insert or update or delete on %s
             for each statement
             when (current_setting(''app.billing'', true) = ''on''
                   and current_setting(''app.write_state'', true) is distinct from ''writable'')
             execute function fd_refuse_writes_when_read_only()', p_table);
end
$$;
revoke all on function fd_guard_read_only(regclass) from public;

select fd_guard_read_only(t.tgrelid::regclass)
from pg_trigger t
where t.tgname = 'refuse_writes_when_read_only';
