-- Claims share the workers among organisations (docs/SECURITY.md, "No request takes more than its
-- share"). A claim took the oldest due jobs, so one organisation's backlog (a flood of mail to
-- its address, say) held back every other organisation's jobs until it was worked off.
--
-- Now a claim locks the oldest due jobs that no other claim holds, as before (an ordered scan of
-- `jobs_ready_idx`), four times what it may take, and takes them by turns: each organisation's oldest first, then each
-- one's second, and so on. When those are all one organisation's (a backlog deeper than the look),
-- the claim also takes the oldest due job of up to as many other organisations, found by a skip
-- scan of `jobs_org_idx` that jumps over the backlog in one index seek. What the look locked and
-- did not take is free again when the claim's statement ends. Lease-expired jobs come first, as
-- before. Same signature, results and privileges.

create or replace function fd_claim_jobs(p_worker text, p_limit integer, p_lease interval)
returns setof jobs language plpgsql security definer set search_path = public, pg_temp as $$
declare
    v_claimed integer;
    v_ids uuid[];
    v_orgs integer;
    v_backlog uuid;
begin
    return query
    update jobs j set status = 'running', attempts = j.attempts + 1,
                      locked_by = p_worker, locked_until = now() + p_lease
    where j.id in (
        select q.id from jobs q
        where q.status = 'running' and q.locked_until < now()
        order by q.locked_until
        limit p_limit
        for update skip locked
    )
    returning j.*;
    get diagnostics v_claimed = row_count;
    if v_claimed >= p_limit then
        return;
    end if;

    -- The look: the oldest due jobs, a few times what may be taken.
    select array_agg(c.id order by c.nth, c.run_at), count(distinct c.org_id),
           case when count(distinct c.org_id) = 1 and count(*) = (p_limit - v_claimed) * 4
                then min(c.org_id::text)::uuid end
    into v_ids, v_orgs, v_backlog
    from (
        select q.id, q.org_id, q.run_at,
               row_number() over (partition by q.org_id order by q.run_at) as nth
        from (
            select id, org_id, run_at from jobs
            where status = 'queued' and run_at <= now()
            order by run_at
            limit (p_limit - v_claimed) * 4
            for update skip locked
        ) q
    ) c;
    if v_ids is null then
        return;
    end if;
    if v_backlog is not null then
        -- One organisation fills the whole look: the others' oldest due jobs go first.
        v_ids := array(
            with recursive orgs(org_id, n) as (
                (select j.org_id, 1 from jobs j
                 where j.status = 'queued' and j.org_id is not null and j.org_id <> v_backlog
                 order by j.org_id limit 1)
                union all
                select nxt.org_id, o.n + 1 from orgs o,
                    lateral (select j.org_id from jobs j
                             where j.status = 'queued' and j.org_id > o.org_id and j.org_id <> v_backlog
                             order by j.org_id limit 1) nxt
                where o.n < p_limit - v_claimed
            )
            select first.id from orgs,
                lateral (select j.id from jobs j
                         where j.org_id = orgs.org_id and j.status = 'queued' and j.run_at <= now()
                         order by j.run_at limit 1
                         for update skip locked) first
        ) || v_ids;
    end if;
    return query
    update jobs j set status = 'running', attempts = j.attempts + 1,
                      locked_by = p_worker, locked_until = now() + p_lease
    where j.id = any(v_ids[1:(p_limit - v_claimed)])
    returning j.*;
end
$$;
