-- pgbench script: what a mailed-in ticket writes, for :n messages (across organisations) in one
-- transaction, each step one statement for the whole batch. See intake-floor.sh.
\set lo random(1, 2000 - :n)
\set hi :lo + :n
begin;
-- The organisations' number counters, in one order (so concurrent batches cannot deadlock).
select 1 from ticket_counters
where kind = 'incident' and org_id in (select org_id from floor_sample where k >= :lo and k < :hi)
order by org_id for update;
-- The senders' memberships.
select count(*) from floor_sample s
cross join lateral (select 1 from users u join memberships m on m.user_id = u.id and m.org_id = s.org_id
                    where u.email = s.from_address::citext) x
where s.k >= :lo and s.k < :hi;
-- The duplicate check.
select count(*) from floor_sample s
cross join lateral (select 1 from inbound_messages i
                    where i.org_id = s.org_id and i.dedupe_key = 'floor-' || s.k and i.status = 'processed'
                    limit 1) d
where s.k >= :lo and s.k < :hi;
-- The acknowledgement limit: a lock per sender, in one order, then the count.
select count(pg_advisory_xact_lock(hashtextextended(a, 0)))
from (select distinct org_id::text || from_address a from floor_sample where k >= :lo and k < :hi order by 1) x;
select count(*) from floor_sample s
cross join lateral (select count(*) from outbound_messages o
                    where o.org_id = s.org_id and o.recipients[1] = s.from_address
                      and o.kind = 'acknowledgement' and o.created_at > now() - interval '1 hour') a
where s.k >= :lo and s.k < :hi;
-- The rows: tickets numbered per organisation, their events, raw messages, Message-IDs,
-- acknowledgements and send jobs.
with m as (
    select s.*, gen_random_uuid() tid, gen_random_uuid() iid, gen_random_uuid() oid, gen_random_uuid() mid
    from floor_sample s where s.k >= :lo and s.k < :hi
), c as (
    update ticket_counters tc set last_number = tc.last_number + x.cnt
    from (select org_id, count(*) cnt from m group by org_id) x
    where tc.org_id = x.org_id and tc.kind = 'incident'
    returning tc.org_id, tc.last_number - x.cnt as base
), nm as (
    select m.*, c.base + row_number() over (partition by m.org_id order by m.k) as number
    from m join c using (org_id)
), t as (
    insert into tickets (org_id, id, kind, number, subject, description, status, priority, impact, urgency,
                         channel, department_id, requester_id, created_by, response_due_at, resolution_due_at,
                         response_at_risk_at, resolution_at_risk_at, source_inbound_id, reply_token)
    select org_id, tid, 'incident', number, subject, description, 'new', priority, impact, urgency, 'email',
           department_id, requester_id, created_by, response_due_at, resolution_due_at, response_at_risk_at,
           resolution_at_risk_at, iid, substr(md5(tid::text), 1, 16)
    from nm
    returning org_id, id
), e as (
    insert into events (org_id, id, subject_type, subject_id, actor_id, action, changes)
    select org_id, gen_random_uuid(), 'ticket', tid, created_by, 'ticket.created',
           jsonb_build_object('number', number, 'channel', 'email')
    from nm
), i as (
    insert into inbound_messages (org_id, id, mail_from, rcpt_to, peer, size_bytes, raw, status, dedupe_key,
                                  message_id, from_address, subject, ticket_id, processed_at)
    select org_id, iid, mail_from, rcpt_to, peer, size_bytes, raw, 'processed', 'floor-' || mid,
           mid::text || '@floor', from_address, subject, tid, now()
    from m
), mi as (
    insert into ticket_mail_ids (org_id, message_id, ticket_id) select org_id, mid::text || '@floor', tid from m
), o as (
    insert into outbound_messages (org_id, id, ticket_id, kind, source_id, message_id, recipients, mail, status)
    select org_id, oid, tid, 'acknowledgement', iid, oid::text || '@floor', recipients, mail, 'queued' from m
), j as (
    insert into jobs (id, org_id, kind, payload, dedupe_key)
    select gen_random_uuid(), org_id, 'floor.notify',
           jsonb_build_object('notice', 'acknowledgement', 'ticket', tid, 'source', iid), iid::text
    from m
)
select count(*) from t;
commit;
