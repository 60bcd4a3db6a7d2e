-- Setup for intake-floor.sql: a sample of the messages a `ferrodesk-dev bench-mail` run left in its
-- database, with what each of them wrote (its ticket, raw message and acknowledgement), to be
-- written again as new rows, one message or a batch of messages per transaction.
drop table if exists floor_sample;
create table floor_sample as
select row_number() over () as k, s.* from (
    select t.org_id, t.subject, t.description, t.priority, t.impact, t.urgency, t.department_id,
           t.requester_id, t.created_by, t.response_due_at, t.resolution_due_at,
           t.response_at_risk_at, t.resolution_at_risk_at,
           i.mail_from, i.rcpt_to, i.peer, i.size_bytes, i.raw, i.from_address,
           o.recipients, o.mail
    from tickets t
    join inbound_messages i on i.org_id = t.org_id and i.ticket_id = t.id
    join outbound_messages o on o.org_id = t.org_id and o.ticket_id = t.id and o.kind = 'acknowledgement'
    order by random()
    limit 2000
) s;
create unique index on floor_sample (k);
analyze;
