-- The system functions that cross tenants belong to the worker alone.
--
-- Until now both the gateway's login and the worker's held `ferrodesk_runtime`, which could call
-- every `fd_*` function, so SQL running as the gateway could claim any tenant's jobs or file mail
-- under any organisation. The worker's login now also holds the group role `ferrodesk_worker`
-- (created by `ferrodesk bootstrap`; the owner cannot create roles), and the functions below are
-- granted to it instead. Each is SECURITY DEFINER and reads or writes across organisations; the
-- gateway never calls any of them (its own definer functions, such as sign-up and Stripe events,
-- stay with `ferrodesk_runtime`, and so does `fd_demo_wipe`: the gateway generates a missing demo
-- for its first visitor, and the function refuses any organisation that is not the demo).
-- `Db::check_runtime_role` refuses a gateway login that holds
-- `ferrodesk_worker` and a worker login that does not.

do $$
declare
    f regprocedure;
    n integer := 0;
begin
    if not exists (select 1 from pg_roles where rolname = 'ferrodesk_worker') then
        raise exception 'role ferrodesk_worker is missing: run `ferrodesk bootstrap` (with WORKER_DATABASE_URL) before migrating';
    end if;
    for f in
        select p.oid::regprocedure from pg_proc p
        where p.pronamespace = 'public'::regnamespace and p.prosecdef
          and p.proname in ('fd_claim_jobs', 'fd_complete_job', 'fd_fail_job',
                            'fd_sla_sweep', 'fd_billing_trial_reminders_due',
                            'fd_route_inbound', 'fd_intake_senders', 'fd_intake_tickets',
                            'fd_intake_acknowledgements', 'fd_stored_notices', 'fd_notices_sent')
    loop
        execute format('revoke execute on function %s from ferrodesk_runtime', f);
        execute format('grant execute on function %s to ferrodesk_worker', f);
        n := n + 1;
    end loop;
    if n <> 11 then
        raise exception 'expected the 11 worker functions, found %', n;
    end if;
end
$$;
