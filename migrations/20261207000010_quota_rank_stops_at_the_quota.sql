-- A message's place against its organisation's quota is counted only as far as the quota (plus
-- one, which is all "over" needs): a flood of stored acknowledgements would otherwise make every
-- one of them count all the others, a cost that grows with the square of the flood.

drop function fd_stored_notices(text, uuid[]);
drop function fd_quota_rank(uuid, timestamptz, uuid);

-- p_cap: the largest quota that applies (null: none, count them all).
create function fd_quota_rank(p_org_id uuid, p_created_at timestamptz, p_id uuid, p_cap bigint)
returns bigint language sql stable as $$
    select count(*) from (
        select from outbound_messages x
        where x.org_id = p_org_id and x.created_at > now() - interval '24 hours' and x.status <> 'failed'
          and (x.created_at, x.id) <= (p_created_at, p_id)
        limit p_cap + 1
    ) counted
$$;
revoke all on function fd_quota_rank(uuid, timestamptz, uuid, bigint) from public;
grant execute on function fd_quota_rank(uuid, timestamptz, uuid, bigint) to ferrodesk_runtime;

create function fd_stored_notices(p_worker text, p_jobs uuid[], p_cap bigint)
returns table (job_id uuid, org_id uuid, outbound_id uuid, ticket_id uuid, status text, recipients text[],
               mail jsonb, quota_rank bigint, trialing boolean)
language plpgsql stable security definer set search_path = public, pg_temp as $$
begin
    return query
    select j.id, o.org_id, o.id, o.ticket_id, o.status, o.recipients, o.mail,
           fd_quota_rank(o.org_id, o.created_at, o.id, p_cap),
           g.subscription_status = 'trialing' and g.stripe_subscription_id is null
    from jobs j
    join outbound_messages o
      on o.org_id = j.org_id
     and o.kind = j.payload->>'notice'
     and o.source_id = (j.payload->>'source_id')::uuid
    join organizations g on g.id = o.org_id
    where j.id = any(p_jobs) and j.kind = 'mail.notify' and j.locked_by = p_worker and j.status = 'running';
end
$$;
revoke all on function fd_stored_notices(text, uuid[], bigint) from public;
grant execute on function fd_stored_notices(text, uuid[], bigint) to ferrodesk_worker;
