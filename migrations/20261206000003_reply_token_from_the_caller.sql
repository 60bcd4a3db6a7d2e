-- A mailed-in ticket's acknowledgement needs the ticket's reply token for its Reply-To, in the
-- transaction that creates the ticket and while the organisation's number counter is locked. The
-- token was a column default that creation did not return, so the intake read it back in a
-- statement of its own. Now the caller may bring the token (16 characters of the same alphabet,
-- from a cryptographic generator); without one the database makes it as before.
--
-- The function gains a trailing parameter with a default, so it is dropped and created again:
-- callers with 25 arguments (fd_create_ticket among them: PL/pgSQL resolves its call at run
-- time) reach the new one, and its grants are given again.
drop function fd_insert_ticket(uuid, uuid, text, text, text, text, smallint, text, text, text,
    uuid, uuid, uuid, uuid, uuid, text[], uuid, jsonb, timestamptz, timestamptz, timestamptz,
    timestamptz, boolean, uuid, uuid);

create function fd_insert_ticket(
    p_org_id uuid, p_id uuid, p_kind text, p_subject text, p_description text, p_status text,
    p_priority smallint, p_impact text, p_urgency text, p_channel text, p_department_id uuid,
    p_category_id uuid, p_requester_id uuid, p_assignee_id uuid, p_created_by uuid, p_tags text[],
    p_event_id uuid, p_event_changes jsonb, p_response_due_at timestamptz,
    p_resolution_due_at timestamptz, p_response_at_risk_at timestamptz,
    p_resolution_at_risk_at timestamptz, p_sla_paused boolean, p_source_inbound_id uuid,
    p_follow_up_of uuid, p_reply_token text default null
) returns setof ticket_view language plpgsql as $$
begin
    return query
    with counter as (
        insert into ticket_counters (org_id, kind, last_number) values (p_org_id, p_kind, 1)
        on conflict (org_id, kind) do update set last_number = ticket_counters.last_number + 1
        returning last_number
    ), t as (
        insert into tickets (org_id, id, kind, number, subject, description, status, priority, impact,
                             urgency, channel, department_id, category_id, requester_id, assignee_id,
                             created_by, tags, response_due_at, resolution_due_at, response_at_risk_at,
                             resolution_at_risk_at, sla_paused, source_inbound_id, follow_up_of,
                             reply_token)
        select p_org_id, p_id, p_kind, counter.last_number, p_subject, p_description, p_status,
               p_priority, p_impact, p_urgency, p_channel, p_department_id, p_category_id,
               p_requester_id, p_assignee_id, p_created_by, p_tags, p_response_due_at,
               p_resolution_due_at, p_response_at_risk_at, p_resolution_at_risk_at, p_sla_paused,
               p_source_inbound_id, p_follow_up_of, coalesce(p_reply_token, fd_new_reply_token())
        from counter
        returning *
    ), created as (
        insert into events (org_id, id, subject_type, subject_id, actor_id, action, changes)
        select t.org_id, p_event_id, 'ticket', t.id, p_created_by, 'ticket.created',
               p_event_changes || jsonb_build_object('number', t.number)
        from t
    )
    select t.id, t.kind, t.number, t.subject, t.description, t.status, t.priority,
           t.impact, t.urgency, t.channel, t.department_id, t.tags, t.created_at, t.updated_at,
           t.first_response_at, t.resolved_at, t.closed_at, t.reopen_count, t.response_due_at,
           t.resolution_due_at,
           (t.response_breached or coalesce(t.response_due_at <= now(), false)),
           (t.resolution_breached or coalesce(t.resolution_due_at <= now(), false)),
           t.response_at_risk_at, t.resolution_at_risk_at, t.sla_paused,
           t.category_id, c.name, c.parent_id,
           t.requester_id, r.name, r.email::text,
           t.assignee_id, a.name, a.email::text
    from t
    left join categories c on c.org_id = t.org_id and c.id = t.category_id
    left join users r on r.id = t.requester_id
    left join users a on a.id = t.assignee_id;
end
$$;
revoke all on function fd_insert_ticket(uuid, uuid, text, text, text, text, smallint, text, text, text,
    uuid, uuid, uuid, uuid, uuid, text[], uuid, jsonb, timestamptz, timestamptz, timestamptz,
    timestamptz, boolean, uuid, uuid, text) from public;
grant execute on function fd_insert_ticket(uuid, uuid, text, text, text, text, smallint, text, text, text,
    uuid, uuid, uuid, uuid, uuid, text[], uuid, jsonb, timestamptz, timestamptz, timestamptz,
    timestamptz, boolean, uuid, uuid, text) to ferrodesk_runtime;
