-- Every ticket gets its reply token when it is created. Creating it on the first outbound mail
-- meant an UPDATE of the ticket row per acknowledgement: a new row version with new entries in
-- every index (the token is indexed, so never a HOT update), GIN indexes included, on the path
-- every emailed ticket takes.
--
-- 16 characters from the alphabet the application used (no 0/o, 1/l), taken from the random
-- bytes of two version-4 UUIDs (`gen_random_uuid` uses the strong random source): 78 bits.
create function fd_new_reply_token() returns text language sql volatile parallel safe as $$
    select string_agg(substr('abcdefghijkmnpqrstuvwxyz23456789', get_byte(r.b, i) % 32 + 1, 1), '' order by i)
    from (select uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()) as b) r,
         generate_series(0, 30, 2) i
$$;
revoke all on function fd_new_reply_token() from public;
grant execute on function fd_new_reply_token() to ferrodesk_runtime;

-- Tickets that never had mail sent get theirs now (the migration role bypasses row security).
update tickets set reply_token = fd_new_reply_token() where reply_token is null;

alter table tickets
    alter column reply_token set default fd_new_reply_token(),
    alter column reply_token set not null;
