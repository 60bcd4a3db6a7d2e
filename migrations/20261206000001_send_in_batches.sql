-- Acknowledgements are composed and stored by the transaction that creates their ticket, and
-- stored notices are sent in batches across organisations (docs/ARCHITECTURE.md §Email, "Sending
-- in batches").
--
-- A worker that has claimed a batch of `mail.notify` jobs asks once which of them already have
-- their message stored (`fd_stored_notices`), sends those, and marks every one that went out as
-- sent and its job done in one statement (`fd_notices_sent`). Both are system functions: the
-- jobs of a batch belong to many organisations, and the runtime role may neither read other
-- tenants' outbound mail nor delete jobs. Each touches only rows tied to jobs that the calling
-- worker holds (`locked_by`, status `running`), as fd_complete_job does, and returns no more
-- than the sender needs. PL/pgSQL so that each is planned once per session (…10_planned_once).

create function fd_stored_notices(p_worker text, p_jobs uuid[])
returns table (job_id uuid, org_id uuid, outbound_id uuid, ticket_id uuid, status text, recipients text[],
               mail jsonb)
language plpgsql stable security definer set search_path = public, pg_temp as $$
begin
    return query
    select j.id, o.org_id, o.id, o.ticket_id, o.status, o.recipients, o.mail
    from jobs j
    join outbound_messages o
      on o.org_id = j.org_id
     and o.kind = j.payload->>'notice'
     and o.source_id = (j.payload->>'source_id')::uuid
    where j.id = any(p_jobs) and j.kind = 'mail.notify' and j.locked_by = p_worker and j.status = 'running';
end
$$;

-- The messages of these jobs went out: each is marked sent and its job deleted, together.
-- Returns the jobs completed (a job whose lease another worker has since taken is left alone).
create function fd_notices_sent(p_worker text, p_jobs uuid[])
returns setof uuid
language plpgsql security definer set search_path = public, pg_temp as $$
begin
    return query
    with done as (
        delete from jobs j
        where j.id = any(p_jobs) and j.kind = 'mail.notify' and j.locked_by = p_worker and j.status = 'running'
        returning j.id, j.org_id, j.payload
    ), sent as (
        update outbound_messages o set status = 'sent', sent_at = now(), last_error = null
        from done
        where o.org_id = done.org_id
          and o.kind = done.payload->>'notice'
          and o.source_id = (done.payload->>'source_id')::uuid
          and o.status in ('queued', 'sending')
    )
    select done.id from done;
end
$$;

revoke all on function fd_stored_notices(text, uuid[]) from public;
grant execute on function fd_stored_notices(text, uuid[]) to ferrodesk_runtime;
revoke all on function fd_notices_sent(text, uuid[]) from public;
grant execute on function fd_notices_sent(text, uuid[]) to ferrodesk_runtime;
