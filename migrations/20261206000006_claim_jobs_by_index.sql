-- Claiming jobs cost more the longer a worker had been busy (docs/ARCHITECTURE.md §Email,
-- "Claiming jobs by index"). Every job leaves dead row versions behind (claimed: a new version
-- with status `running`; done: deleted), and until autovacuum comes (a minute at most) their
-- entries stay in `jobs_ready_idx` and `jobs_lease_idx`. The claim's two conditions joined by OR
-- were planned as a bitmap scan over both indexes, which visits the heap page of every entry
-- each time: after 9,000 messages, 18,000 dead versions on 523 pages, at every claim. A bitmap
-- scan also cannot mark an entry dead in the index, so the next claim paid the same again.
--
-- Now each kind of due job is claimed by an ordered scan of its own index with a limit: running
-- jobs whose lease has expired first (a crashed worker's, rare, and never starved by a steady
-- stream of new jobs), then, with what is left of the limit, due queued jobs, oldest first. An ordered index scan marks the entries of dead versions it passes as dead
-- (`kill_prior_tuple`), so the next claim skips them without reading the heap. Same signature,
-- same results up to the order of the two kinds, same privileges (CREATE OR REPLACE keeps them).

create or replace function fd_claim_jobs(p_worker text, p_limit integer, p_lease interval)
returns setof jobs language plpgsql security definer set search_path = public, pg_temp as $$
declare
    v_claimed integer;
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
    return query
    update jobs j set status = 'running', attempts = j.attempts + 1,
                      locked_by = p_worker, locked_until = now() + p_lease
    where j.id in (
        select q.id from jobs q
        where q.status = 'queued' and q.run_at <= now()
        order by q.run_at
        limit p_limit - v_claimed
        for update skip locked
    )
    returning j.*;
end
$$;
