-- Numbers for any kind of record: `record_counters` holds each organisation's last number per
-- kind (INC, REQ today; every numbered module adds its kind), gapless and never shared, because
-- the row a number comes from stays locked until its transaction ends. `fd_next_number` takes
-- one; the ticket writer takes a batch's worth at once from the same rows.
--
-- The functions that still name `ticket_counters` are replaced by the ticket writer's migration,
-- which follows.

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
