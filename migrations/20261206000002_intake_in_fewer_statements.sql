-- The intake asks three questions of the database per message in one round trip each where one
-- will do (docs/ARCHITECTURE.md §Email, "Fewer statements per message"). Both functions run with
-- the caller's rights in the caller's tenant settings, so row-level security checks every row
-- they read and write, exactly as it did the statements they replace; PL/pgSQL, so each is
-- planned once per session, and VOLATILE, so each statement inside sees what committed before it
-- (READ COMMITTED takes a new snapshot per statement).

-- A mail's person as a member of the organisation: the global person found or created
-- (fd_ensure_person), then their membership, added as an active requester on first contact.
-- With a dedupe key, first whether a message with that key was already processed, in which case
-- nothing is looked up or written and `duplicate` is true.
create function fd_mail_person(
    p_org_id uuid, p_new_user_id uuid, p_email citext, p_name text, p_dedupe_key text
) returns table (duplicate boolean, user_id uuid, role text, status text)
language plpgsql as $$
-- The output columns share names with the membership's; in this body a name is the column.
#variable_conflict use_column
declare
    v_user uuid;
    v_role text;
    v_status text;
begin
    if p_dedupe_key is not null and exists (
        select 1 from inbound_messages i
        where i.org_id = p_org_id and i.dedupe_key = p_dedupe_key and i.status = 'processed'
    ) then
        return query select true, null::uuid, null::text, null::text;
        return;
    end if;
    v_user := fd_ensure_person(p_new_user_id, p_email, p_name);
    -- Looked up first: most mail comes from members, and an insert that meets the existing
    -- membership costs a speculative heap tuple only to find that out.
    select m.role, m.status into v_role, v_status
    from memberships m where m.org_id = p_org_id and m.user_id = v_user;
    if not found then
        insert into memberships (org_id, user_id, role, status)
        values (p_org_id, v_user, 'requester', 'active')
        on conflict (org_id, user_id) do nothing;
        -- Ours, or a concurrent message's from the same new sender (committed: the insert waited).
        select m.role, m.status into v_role, v_status
        from memberships m where m.org_id = p_org_id and m.user_id = v_user;
    end if;
    return query select false, v_user, v_role, v_status;
end
$$;
revoke all on function fd_mail_person(uuid, uuid, citext, text, text) from public;
grant execute on function fd_mail_person(uuid, uuid, citext, text, text) to ferrodesk_runtime;

-- Acknowledgements sent to an address since a moment, counted under a per-address advisory lock
-- held to the end of the transaction, so that concurrent workers cannot both pass the limit. The
-- lock is taken before the count's snapshot: a concurrent acknowledgement is either counted or
-- still holds the lock.
create function fd_acknowledgements_since(p_org_id uuid, p_address text, p_since timestamptz)
returns bigint language plpgsql as $$
begin
    perform pg_advisory_xact_lock(hashtextextended(p_org_id::text || p_address, 0));
    return (select count(*) from outbound_messages o
            where o.org_id = p_org_id and o.kind = 'acknowledgement' and o.recipients[1] = p_address
              and o.created_at >= p_since);
end
$$;
revoke all on function fd_acknowledgements_since(uuid, text, timestamptz) from public;
grant execute on function fd_acknowledgements_since(uuid, text, timestamptz) to ferrodesk_runtime;
