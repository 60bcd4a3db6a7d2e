-- Outbound mail per organisation is limited per 24 hours (docs/SECURITY.md, "Outbound quotas"):
-- the quota counts an organisation's messages by the time they were stored.
create index outbound_messages_org_created_idx on outbound_messages (org_id, created_at);

-- Where a message stands in its organisation's last 24 hours: how many of its messages (failures
-- aside) were stored before it or with it. The sender holds back what stands beyond the quota,
-- so a burst sends its first messages and no more, whichever worker sends what.
create function fd_quota_rank(p_org_id uuid, p_created_at timestamptz, p_id uuid)
returns bigint language sql stable as $$
    select count(*) from outbound_messages x
    where x.org_id = p_org_id and x.created_at > now() - interval '24 hours' and x.status <> 'failed'
      and (x.created_at, x.id) <= (p_created_at, p_id)
$$;
revoke all on function fd_quota_rank(uuid, timestamptz, uuid) from public;
grant execute on function fd_quota_rank(uuid, timestamptz, uuid) to ferrodesk_runtime;

-- The batch sender's look-up returns each message's rank and whether its organisation is on its
-- own free trial (a stricter quota): the return type changes, so the function is replaced.
drop function fd_stored_notices(text, uuid[]);
create function fd_stored_notices(p_worker text, p_jobs uuid[])
returns table (job_id uuid, org_id uuid, outbound_id uuid, ticket_id uuid, status text, recipients text[],
               mail jsonb, quota_rank bigint, trialing boolean)
language plpgsql stable security definer set search_path = public, pg_temp as $$
begin
    return query
    select j.id, o.org_id, o.id, o.ticket_id, o.status, o.recipients, o.mail,
           fd_quota_rank(o.org_id, o.created_at, o.id),
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
revoke all on function fd_stored_notices(text, uuid[]) from public;
grant execute on function fd_stored_notices(text, uuid[]) to ferrodesk_worker;
