-- Mail proves who sent it before it gets any power (docs/SECURITY.md §Mail).
--
-- The intake verifies SPF, DKIM and DMARC as a message arrives and keeps the verdict with the raw
-- message (`auth`: spf, dkim, dmarc, from_domain, policy, summary), which agents see beside the
-- mail. A message acts on an existing ticket only with proof that its sender knows the ticket (our
-- Message-ID in its references, or the ticket's reply address) or with a DMARC pass for its From
-- domain; staff powers by mail need the DMARC pass. What an organisation does with a message
-- that claims to continue a ticket without proof: open a new ticket (the default), or quarantine it.

alter table inbound_messages add column auth jsonb;
alter table organizations add column mail_unproven_replies text not null default 'new_ticket'
    check (mail_unproven_replies in ('new_ticket', 'quarantine'));

-- The batch's raw rows carry their verdicts (and its tickets take their requester's name from the
-- membership): the function gains a parameter, so it is replaced.
drop function fd_intake_tickets(uuid[], uuid[], text[], text[], smallint[], uuid[], uuid[], uuid[],
    jsonb[], timestamptz[], timestamptz[], timestamptz[], timestamptz[], boolean[], text[], uuid[], text[],
    jsonb, text[], bytea[], text[], text[], text[], text[], integer[], uuid[], text[], text[], bigint[],
    text[], text[], boolean[]);

create function fd_intake_tickets(
    p_org_ids uuid[], p_ids uuid[], p_subjects text[], p_descriptions text[], p_priorities smallint[],
    p_department_ids uuid[], p_requester_ids uuid[], p_event_ids uuid[], p_event_changes jsonb[],
    p_response_due timestamptz[], p_resolution_due timestamptz[], p_response_risk timestamptz[],
    p_resolution_risk timestamptz[], p_paused boolean[], p_reply_tokens text[],
    p_inbound_ids uuid[], p_mail_froms text[], p_rcpt_tos jsonb, p_peers text[], p_raws bytea[],
    p_dedupe_keys text[], p_message_ids text[], p_from_addresses text[], p_raw_subjects text[],
    p_file_ords integer[], p_file_ids uuid[], p_file_names text[], p_file_types text[],
    p_file_sizes bigint[], p_file_sha256 text[], p_file_content_ids text[], p_file_inline boolean[],
    p_auths jsonb[]
) returns setof ticket_view language plpgsql security definer set search_path = public, pg_temp as $$
begin
    if cardinality(p_org_ids) is distinct from cardinality(p_ids)
       or cardinality(p_org_ids) is distinct from cardinality(p_inbound_ids)
       or cardinality(p_org_ids) is distinct from cardinality(p_raws)
       or cardinality(p_org_ids) is distinct from cardinality(p_auths)
       or cardinality(p_org_ids) is distinct from jsonb_array_length(p_rcpt_tos) then
        raise exception 'fd_intake_tickets: arrays of different lengths' using errcode = '22023';
    end if;
    insert into inbound_messages (org_id, id, mail_from, rcpt_to, peer, size_bytes, raw, status, dedupe_key,
                                  message_id, from_address, subject, ticket_id, processed_at, auth)
    select u.o, u.i, u.mf, array(select jsonb_array_elements_text(p_rcpt_tos -> (u.ord::integer - 1))),
           u.p, octet_length(u.r), u.r, 'processed', u.d, u.mid, u.fa, u.s, u.t, now(), u.a
    from unnest(p_org_ids, p_inbound_ids, p_mail_froms, p_peers, p_raws, p_dedupe_keys, p_message_ids,
                p_from_addresses, p_raw_subjects, p_ids, p_auths)
         with ordinality as u(o, i, mf, p, r, d, mid, fa, s, t, a, ord);
    insert into ticket_mail_ids (org_id, message_id, ticket_id)
    select u.o, u.mid, u.t from unnest(p_org_ids, p_message_ids, p_ids) as u(o, mid, t)
    where u.mid is not null
    on conflict do nothing;
    insert into attachments (org_id, id, ticket_id, message_id, filename, content_type, size_bytes, sha256,
                             content_id, inline)
    select p_org_ids[f.ord], f.id, p_ids[f.ord], null, f.n, f.ct, f.sz, f.sha, f.cid, f.inl
    from unnest(p_file_ords, p_file_ids, p_file_names, p_file_types, p_file_sizes, p_file_sha256,
                p_file_content_ids, p_file_inline) as f(ord, id, n, ct, sz, sha, cid, inl);
    return query
    with batch as (
        select u.*, row_number() over (partition by u.o order by u.ord) as nth
        from unnest(p_org_ids, p_ids, p_subjects, p_descriptions, p_priorities, p_department_ids,
                    p_requester_ids, p_event_ids, p_event_changes, p_response_due, p_resolution_due,
                    p_response_risk, p_resolution_risk, p_paused, p_inbound_ids, p_reply_tokens)
             with ordinality as u(o, id, subject, description, priority, department_id, requester_id,
                                  event_id, event_changes, response_due, resolution_due, response_risk,
                                  resolution_risk, paused, inbound_id, reply_token, ord)
    ), taken as (
        select b.o, count(*)::integer as n from batch b group by b.o
    ), counter as (
        insert into ticket_counters (org_id, kind, last_number)
        select k.o, 'incident', k.n from taken k order by k.o
        on conflict (org_id, kind) do update set last_number = ticket_counters.last_number + excluded.last_number
        returning ticket_counters.org_id, ticket_counters.last_number
    ), t as (
        insert into tickets (org_id, id, kind, number, subject, description, status, priority, channel,
                             department_id, requester_id, created_by, tags, response_due_at, resolution_due_at,
                             response_at_risk_at, resolution_at_risk_at, sla_paused, source_inbound_id,
                             reply_token)
        select b.o, b.id, 'incident', (c.last_number - k.n + b.nth)::integer, b.subject, b.description, 'new',
               b.priority, 'email', b.department_id, b.requester_id, b.requester_id, '{}', b.response_due,
               b.resolution_due, b.response_risk, b.resolution_risk, b.paused, b.inbound_id, b.reply_token
        from batch b join counter c on c.org_id = b.o join taken k on k.o = b.o
        order by b.o, b.nth
        returning *
    ), created as (
        insert into events (org_id, id, subject_type, subject_id, actor_id, action, changes)
        select t.org_id, b.event_id, 'ticket', t.id, t.created_by, 'ticket.created',
               b.event_changes || jsonb_build_object('number', t.number)
        from t join batch b on b.id = t.id
    )
    select t.id, t.kind, t.number, t.subject, t.description, t.status, t.priority,
           t.impact, t.urgency, t.channel, t.department_id, t.tags, t.created_at, t.updated_at,
           t.first_response_at, t.resolved_at, t.closed_at, t.reopen_count, t.response_due_at,
           t.resolution_due_at,
           (t.response_breached or coalesce(t.response_due_at <= now(), false)),
           (t.resolution_breached or coalesce(t.resolution_due_at <= now(), false)),
           t.response_at_risk_at, t.resolution_at_risk_at, t.sla_paused,
           t.category_id, null::text, null::uuid,
           t.requester_id, r.name, r.email::text,
           t.assignee_id, null::text, null::text
    from t
    left join memberships r on r.org_id = t.org_id and r.user_id = t.requester_id;
end
$$;
revoke all on function fd_intake_tickets(uuid[], uuid[], text[], text[], smallint[], uuid[], uuid[], uuid[],
    jsonb[], timestamptz[], timestamptz[], timestamptz[], timestamptz[], boolean[], text[], uuid[], text[],
    jsonb, text[], bytea[], text[], text[], text[], text[], integer[], uuid[], text[], text[], bigint[],
    text[], text[], boolean[], jsonb[]) from public;
grant execute on function fd_intake_tickets(uuid[], uuid[], text[], text[], smallint[], uuid[], uuid[], uuid[],
    jsonb[], timestamptz[], timestamptz[], timestamptz[], timestamptz[], boolean[], text[], uuid[], text[],
    jsonb, text[], bytea[], text[], text[], text[], text[], integer[], uuid[], text[], text[], bigint[],
    text[], text[], boolean[], jsonb[]) to ferrodesk_worker;
