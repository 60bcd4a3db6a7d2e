CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;

COMMENT ON EXTENSION btree_gin IS 'support for indexing common datatypes in GIN';

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';

CREATE TYPE public.new_ticket AS (
	org_id uuid,
	id uuid,
	kind text,
	subject text,
	description text,
	status text,
	priority smallint,
	impact text,
	urgency text,
	channel text,
	department_id uuid,
	category_id uuid,
	requester_id uuid,
	assignee_id uuid,
	created_by uuid,
	tags text[],
	event_id uuid,
	event_changes jsonb,
	response_due_at timestamp with time zone,
	resolution_due_at timestamp with time zone,
	response_at_risk_at timestamp with time zone,
	resolution_at_risk_at timestamp with time zone,
	sla_paused boolean,
	source_inbound_id uuid,
	follow_up_of uuid,
	reply_token text,
	created_at timestamp with time zone,
	updated_at timestamp with time zone,
	first_response_at timestamp with time zone,
	resolved_at timestamp with time zone,
	closed_at timestamp with time zone,
	reopen_count integer,
	response_breached boolean,
	resolution_breached boolean
);

CREATE TYPE public.ticket_view AS (
	id uuid,
	kind text,
	number integer,
	subject text,
	description text,
	status text,
	priority smallint,
	impact text,
	urgency text,
	channel text,
	department_id uuid,
	tags text[],
	created_at timestamp with time zone,
	updated_at timestamp with time zone,
	first_response_at timestamp with time zone,
	resolved_at timestamp with time zone,
	closed_at timestamp with time zone,
	reopen_count integer,
	response_due_at timestamp with time zone,
	resolution_due_at timestamp with time zone,
	response_breached boolean,
	resolution_breached boolean,
	response_at_risk_at timestamp with time zone,
	resolution_at_risk_at timestamp with time zone,
	sla_paused boolean,
	category_id uuid,
	category_name text,
	category_parent_id uuid,
	requester_id uuid,
	requester_name text,
	requester_email text,
	assignee_id uuid,
	assignee_name text,
	assignee_email text
);

CREATE FUNCTION public.categories_two_levels() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if new.parent_id is not null and exists (
        select 1 from categories p
        where p.org_id = new.org_id and p.id = new.parent_id
          and (p.parent_id is not null or p.department_id <> new.department_id)
    ) then
        raise exception 'a subcategory must sit under a top-level category of the same department'
            using errcode = '23514', constraint = 'categories_two_levels';
    end if;
    return new;
end
$$;

CREATE FUNCTION public.config_versions_bump() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
begin
    perform fd_bump_config_version(case when tg_op = 'DELETE' then old.org_id else new.org_id end);
    return null;
end
$$;

CREATE FUNCTION public.events_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    raise exception 'audit events are append-only' using errcode = '42501';
end
$$;

CREATE FUNCTION public.fd_accept_invitation(p_token_hash bytea, p_name text, p_password_hash text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
    v_org uuid;
    v_user uuid;
    v_role text;
begin
    select i.org_id, i.user_id, i.role into v_org, v_user, v_role
    from invitations i join organizations o on o.id = i.org_id and not o.is_demo
    where i.token_hash = p_token_hash and i.accepted_at is null and i.expires_at > now()
    for update of i;
    if v_org is null then
        return false;
    end if;
    update memberships set status = 'active', role = v_role, name = coalesce(nullif(btrim(p_name), ''), name)
    where org_id = v_org and user_id = v_user and status = 'invited';
    if not found then
        return false;
    end if;
    update invitations set accepted_at = now() where token_hash = p_token_hash;
    update users set password_hash = coalesce(p_password_hash, password_hash),
                     email_verified_at = coalesce(email_verified_at, now())
    where id = v_user;
    insert into events (org_id, id, subject_type, subject_id, actor_id, action, changes)
    values (v_org, gen_random_uuid(), 'membership', v_user, v_user, 'member.joined',
            jsonb_build_object('role', v_role));
    return true;
end
$$;

CREATE FUNCTION public.fd_acknowledgements_since(p_org_id uuid, p_address text, p_since timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
begin
    perform pg_advisory_xact_lock(hashtextextended(p_org_id::text || p_address, 0));
    return (select count(*) from outbound_messages o
            where o.org_id = p_org_id and o.kind = 'acknowledgement' and o.recipients[1] = p_address
              and o.created_at >= p_since);
end
$$;

CREATE FUNCTION public.fd_authenticate_api_token(p_token_hash bytea) RETURNS TABLE(org_id uuid, user_id uuid)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
begin
    -- Record use at most once a minute per token, to keep reads cheap.
    update api_tokens t set last_used_at = now()
    where t.token_hash = p_token_hash and t.revoked_at is null
      and (t.last_used_at is null or t.last_used_at < now() - interval '1 minute');
    return query
        select t.org_id, t.user_id from api_tokens t
        join memberships m on m.org_id = t.org_id and m.user_id = t.user_id and m.status = 'active'
        where t.token_hash = p_token_hash and t.revoked_at is null;
end
$$;

CREATE FUNCTION public.fd_billing_org_for_stripe(p_customer text, p_org_hint uuid) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
    select id from (
        select o.id, 1 as rank from organizations o
        where p_customer is not null and o.stripe_customer_id = p_customer
        union all
        select o.id, 2 from organizations o
        where o.id = p_org_hint and (o.stripe_customer_id is null or o.stripe_customer_id = p_customer)
    ) found
    order by rank
    limit 1
$$;

CREATE FUNCTION public.fd_billing_trial_reminders_due(p_now timestamp with time zone, p_before timestamp with time zone) RETURNS TABLE(org_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
    select o.id from organizations o
    where o.subscription_status = 'trialing' and o.stripe_subscription_id is null and not o.is_demo
      and o.trial_reminder_sent_at is null
      and o.trial_ends_at > p_now and o.trial_ends_at <= p_before
    order by o.trial_ends_at
    limit 1000
$$;

CREATE FUNCTION public.fd_bump_config_version(p_org_id uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
    insert into config_versions (org_id, version) values (p_org_id, nextval('config_version_seq'))
    on conflict (org_id) do update set version = excluded.version
$$;

CREATE FUNCTION public.fd_bump_page_versions(p_orgs uuid[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
begin
    insert into page_versions (org_id, version)
    select o, nextval('page_version_seq')
    from (select distinct o from unnest(p_orgs) as o where o is not null order by o) s
    on conflict (org_id) do update set version = excluded.version;
end
$$;

CREATE TABLE public.jobs (
    id uuid NOT NULL,
    org_id uuid,
    kind text NOT NULL,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    status text DEFAULT 'queued'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    max_attempts integer DEFAULT 8 NOT NULL,
    run_at timestamp with time zone DEFAULT now() NOT NULL,
    locked_until timestamp with time zone,
    locked_by text,
    last_error text,
    dedupe_key text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT jobs_max_attempts_check CHECK ((max_attempts > 0)),
    CONSTRAINT jobs_status_check CHECK ((status = ANY (ARRAY['queued'::text, 'running'::text, 'dead'::text])))
);

ALTER TABLE ONLY public.jobs FORCE ROW LEVEL SECURITY;

CREATE FUNCTION public.fd_claim_jobs(p_worker text, p_limit integer, p_lease interval) RETURNS SETOF public.jobs
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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

CREATE FUNCTION public.fd_complete_job(p_id uuid, p_worker text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
begin
    delete from jobs where id = p_id and locked_by = p_worker and status = 'running';
    return found;
end
$$;

CREATE FUNCTION public.fd_create_ticket(p_user_id uuid, p_role text, p_config_version bigint, p_org_id uuid, p_id uuid, p_kind text, p_subject text, p_description text, p_status text, p_priority smallint, p_impact text, p_urgency text, p_channel text, p_department_id uuid, p_category_id uuid, p_requester_id uuid, p_assignee_id uuid, p_created_by uuid, p_tags text[], p_event_id uuid, p_event_changes jsonb, p_response_due_at timestamp with time zone, p_resolution_due_at timestamp with time zone, p_response_at_risk_at timestamp with time zone, p_resolution_at_risk_at timestamp with time zone, p_sla_paused boolean, p_source_inbound_id uuid, p_follow_up_of uuid) RETURNS SETOF public.ticket_view
    LANGUAGE plpgsql
    AS $$
declare
    entered record;
begin
    select e.member_role, e.config_version into entered from fd_enter(p_org_id, p_user_id) e;
    if entered.member_role is distinct from p_role
       or entered.config_version is distinct from p_config_version then
        return;
    end if;
    -- Each check only when it applies: a condition with a subquery is a query of its own (an
    -- executor started and stopped) even where `and` would never reach the subquery.
    if p_category_id is not null then
        if not exists (
            select from categories c
            where c.org_id = p_org_id and c.id = p_category_id and c.department_id = p_department_id
        ) then
            return;
        end if;
    end if;
    if p_assignee_id is not null then
        if not exists (
            select from memberships m
            where m.org_id = p_org_id and m.user_id = p_assignee_id and m.status = 'active'
              and m.role in ('owner', 'admin', 'agent')
        ) then
            return;
        end if;
    end if;
    return query select * from fd_insert_tickets(array[row(
        p_org_id, p_id, p_kind, p_subject, p_description, p_status, p_priority, p_impact, p_urgency,
        p_channel, p_department_id, p_category_id, p_requester_id, p_assignee_id, p_created_by,
        p_tags, p_event_id, p_event_changes, p_response_due_at, p_resolution_due_at,
        p_response_at_risk_at, p_resolution_at_risk_at, p_sla_paused, p_source_inbound_id,
        p_follow_up_of, null, null, null, null, null, null, null, null, null)::new_ticket]);
end
$$;

CREATE FUNCTION public.fd_demo_wipe(p_org_id uuid, p_slug text, p_name text, p_time_zone text, p_as_of timestamp with time zone, p_stale_before timestamp with time zone, p_users jsonb) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
    v_org organizations%rowtype;
    v_members uuid[];
begin
    perform pg_advisory_xact_lock(hashtextextended('fd_demo_reset:' || p_org_id::text, 0));
    select * into v_org from organizations where id = p_org_id;
    if found and not v_org.is_demo then
        raise exception 'organisation % is not a demo organisation', p_org_id using errcode = '42501';
    end if;
    if exists (select 1 from organizations where slug = p_slug and id <> p_org_id) then
        raise exception 'the demo slug % belongs to another organisation', p_slug using errcode = '23505';
    end if;
    if found and v_org.demo_data_as_of is not null and v_org.demo_data_as_of >= p_stale_before then
        return false;
    end if;

    v_members := array(select user_id from memberships where org_id = p_org_id);
    delete from events where org_id = p_org_id;
    delete from ticket_messages where org_id = p_org_id;
    delete from tickets where org_id = p_org_id;
    delete from organizations where id = p_org_id;
    delete from users u
    where u.id = any(v_members) and not exists (select 1 from memberships m where m.user_id = u.id);

    insert into organizations (id, slug, name, time_zone, is_demo, subscription_status, trial_ends_at,
                               created_at, updated_at, demo_data_as_of)
    values (p_org_id, p_slug, p_name, p_time_zone, true, 'active', null,
            p_as_of - interval '1 year', p_as_of, p_as_of);
    if exists (
        select 1 from jsonb_array_elements(p_users) as u
        join memberships m on m.user_id = (u ->> 'id')::uuid
    ) then
        raise exception 'a demo person id belongs to a member of another organisation' using errcode = '42501';
    end if;
    insert into users (id, email, password_hash, demo, created_at, updated_at)
    select (u ->> 'id')::uuid, (u ->> 'email')::citext, null, true,
           p_as_of - interval '1 year', p_as_of - interval '1 year'
    from jsonb_array_elements(p_users) as u
    on conflict (id) do update set email = excluded.email, password_hash = null, demo = true,
                                   email_verified_at = null;
    return true;
end
$$;

CREATE FUNCTION public.fd_ensure_person(p_user_id uuid, p_email public.citext) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
    v_id uuid;
    v_org uuid := nullif(current_setting('app.org_id', true), '')::uuid;
begin
    if v_org is null then
        raise exception 'fd_ensure_person needs a tenant transaction' using errcode = '42501';
    end if;
    select id into v_id from users where email = p_email;
    if v_id is not null then
        return v_id;
    end if;
    insert into users (id, email, demo)
    values (p_user_id, p_email, coalesce((select o.is_demo from organizations o where o.id = v_org), false))
    on conflict (email) do nothing
    returning id into v_id;
    if v_id is null then
        -- Created by a concurrent transaction between the look-up and the insert.
        select id into v_id from users where email = p_email;
    end if;
    return v_id;
end
$$;

CREATE FUNCTION public.fd_enter(p_org_id uuid, p_user_id uuid, OUT member_role text, OUT config_version bigint) RETURNS record
    LANGUAGE plpgsql
    AS $$
begin
    perform set_config('app.org_id', p_org_id::text, true);
    perform set_config('app.user_id', p_user_id::text, true);
    perform set_config('app.role', '', true);
    perform set_config('plan_cache_mode', 'force_generic_plan', true);
    select m.role, coalesce(v.version, 0) into member_role, config_version
    from memberships m left join config_versions v on v.org_id = m.org_id
    where m.org_id = p_org_id and m.user_id = p_user_id and m.status = 'active';
    perform set_config('app.role', coalesce(member_role, ''), true);
end
$$;

CREATE FUNCTION public.fd_fail_job(p_id uuid, p_worker text, p_error text, p_retry_at timestamp with time zone) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
    v_status text;
begin
    update jobs set
        status = case when attempts >= max_attempts then 'dead' else 'queued' end,
        run_at = p_retry_at, locked_by = null, locked_until = null, last_error = left(p_error, 4000)
    where id = p_id and locked_by = p_worker and status = 'running'
    returning status into v_status;
    return v_status;
end
$$;

CREATE FUNCTION public.fd_guard_read_only(p_table regclass) RETURNS void
    LANGUAGE plpgsql
    AS $$
begin
    execute format('drop trigger if exists refuse_writes_when_read_only on %s', p_table);
    execute format(
        'create trigger refuse_writes_when_read_only before insert or update or delete on %s
             for each statement
             when (current_setting(''app.billing'', true) = ''on''
                   and current_setting(''app.write_state'', true) is distinct from ''writable'')
             execute function fd_refuse_writes_when_read_only()', p_table);
end
$$;

CREATE FUNCTION public.fd_identity(p_user_id uuid) RETURNS TABLE(email public.citext, password_hash text, verified boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
    select u.email, u.password_hash, u.email_verified_at is not null from users u where u.id = p_user_id
$$;

CREATE FUNCTION public.fd_insert_tickets(p_tickets public.new_ticket[]) RETURNS SETOF public.ticket_view
    LANGUAGE plpgsql
    AS $$
begin
    return query
    with batch as (
        select b.*, row_number() over (partition by b.org_id, b.kind order by b.ordinality) as nth
        from unnest(p_tickets) with ordinality as b
    ), taken as (
        select b.org_id, b.kind, count(*)::integer as n from batch b group by b.org_id, b.kind
    ), counter as (
        insert into record_counters (org_id, kind, last_number)
        select k.org_id, k.kind, k.n from taken k order by k.org_id, k.kind
        on conflict (org_id, kind) do update set last_number = record_counters.last_number + excluded.last_number
        returning record_counters.org_id, record_counters.kind, record_counters.last_number
    ), t as (
        insert into tickets (org_id, id, kind, number, subject, description, status, priority, impact,
                             urgency, channel, department_id, category_id, requester_id, assignee_id,
                             created_by, tags, response_due_at, resolution_due_at, response_at_risk_at,
                             resolution_at_risk_at, sla_paused, source_inbound_id, follow_up_of,
                             reply_token, created_at, updated_at, first_response_at, resolved_at,
                             closed_at, reopen_count, response_breached, resolution_breached)
        select b.org_id, b.id, b.kind, (c.last_number - k.n + b.nth)::integer, b.subject, b.description,
               b.status, b.priority, b.impact, b.urgency, b.channel, b.department_id, b.category_id,
               b.requester_id, b.assignee_id, b.created_by, coalesce(b.tags, '{}'), b.response_due_at,
               b.resolution_due_at, b.response_at_risk_at, b.resolution_at_risk_at,
               coalesce(b.sla_paused, false), b.source_inbound_id, b.follow_up_of,
               coalesce(b.reply_token, fd_new_reply_token()), coalesce(b.created_at, now()),
               coalesce(b.updated_at, b.created_at, now()), b.first_response_at, b.resolved_at,
               b.closed_at, coalesce(b.reopen_count, 0), coalesce(b.response_breached, false),
               coalesce(b.resolution_breached, false)
        from batch b
        join counter c on c.org_id = b.org_id and c.kind = b.kind
        join taken k on k.org_id = b.org_id and k.kind = b.kind
        order by b.org_id, b.kind, b.nth
        returning *
    ), created as (
        insert into events (org_id, id, subject_type, subject_id, actor_id, action, changes, created_at)
        select t.org_id, b.event_id, 'ticket', t.id, t.created_by, 'ticket.created',
               b.event_changes || jsonb_build_object('number', t.number), t.created_at
        from t join batch b on b.id = t.id
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
    left join memberships r on r.org_id = t.org_id and r.user_id = t.requester_id
    left join memberships a on a.org_id = t.org_id and a.user_id = t.assignee_id;
end
$$;

CREATE FUNCTION public.fd_intake_acknowledgements(p_org_ids uuid[], p_ids uuid[], p_ticket_ids uuid[], p_source_ids uuid[], p_message_ids text[], p_recipients jsonb, p_mails jsonb[], p_sent boolean[], p_notes text[], p_job_ids uuid[], p_job_kinds text[], p_job_payloads jsonb[], p_job_keys text[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
begin
    if cardinality(p_org_ids) is distinct from cardinality(p_ids)
       or cardinality(p_org_ids) is distinct from cardinality(p_mails)
       or cardinality(p_org_ids) is distinct from jsonb_array_length(p_recipients) then
        raise exception 'fd_intake_acknowledgements: arrays of different lengths' using errcode = '22023';
    end if;
    insert into outbound_messages (org_id, id, ticket_id, kind, source_id, message_id, recipients, mail, status,
                                   last_error, sent_at)
    select u.o, u.id, u.t, 'acknowledgement', u.src, u.mid,
           array(select jsonb_array_elements_text(p_recipients -> (u.ord::integer - 1))), u.m,
           case when u.sent then 'sent' else 'queued' end, u.note, case when u.sent then now() end
    from unnest(p_org_ids, p_ids, p_ticket_ids, p_source_ids, p_message_ids, p_mails, p_sent, p_notes)
         with ordinality as u(o, id, t, src, mid, m, sent, note, ord)
    on conflict do nothing;
    insert into ticket_mail_ids (org_id, message_id, ticket_id)
    select u.o, u.mid, u.t from unnest(p_org_ids, p_message_ids, p_ticket_ids) as u(o, mid, t)
    on conflict do nothing;
    insert into jobs (id, org_id, kind, payload, dedupe_key)
    select j.id, p_org_ids[j.ord], j.kind, j.payload, j.dedupe_key
    from unnest(p_job_ids, p_job_kinds, p_job_payloads, p_job_keys) with ordinality as j(id, kind, payload, dedupe_key, ord)
    where j.id is not null
    on conflict do nothing;
end
$$;

CREATE FUNCTION public.fd_intake_senders(p_org_ids uuid[], p_new_user_ids uuid[], p_emails text[], p_names text[], p_dedupe_keys text[], p_ack_since timestamp with time zone) RETURNS TABLE(ord integer, duplicate boolean, user_id uuid, role text, status text, acks_sent bigint, slug text, name text, is_demo boolean, from_name text, signature text, closed_reply text, acknowledge boolean, config_version bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
begin
    if cardinality(p_org_ids) is distinct from cardinality(p_emails)
       or cardinality(p_org_ids) is distinct from cardinality(p_new_user_ids)
       or cardinality(p_org_ids) is distinct from cardinality(p_names)
       or cardinality(p_org_ids) is distinct from cardinality(p_dedupe_keys) then
        raise exception 'fd_intake_senders: arrays of different lengths' using errcode = '22023';
    end if;
    perform pg_advisory_xact_lock(s.k) from (
        select distinct hashtextextended(u.o::text || u.e, 0) as k
        from unnest(p_org_ids, p_emails) as u(o, e)
        order by 1
    ) s;
    perform 1 from page_versions v where v.org_id = any(p_org_ids) order by v.org_id for no key update;
    insert into users (id, email)
    select distinct on (u.e::citext) u.n, u.e::citext
    from unnest(p_new_user_ids, p_emails) as u(n, e)
    where not exists (select 1 from users x where x.email = u.e::citext)
    order by u.e::citext
    on conflict (email) do nothing;
    insert into memberships (org_id, user_id, role, status, name)
    select distinct on (u.o, p.id) u.o, p.id, 'requester', 'active', u.nm
    from unnest(p_org_ids, p_emails, p_names) as u(o, e, nm)
    join users p on p.email = u.e::citext
    where not exists (select 1 from memberships m where m.org_id = u.o and m.user_id = p.id)
    order by u.o, p.id
    on conflict (org_id, user_id) do nothing;
    return query
    select u.ord::integer,
           exists (select 1 from inbound_messages i
                   where i.org_id = u.o and i.dedupe_key = u.d and i.status = 'processed'),
           p.id, m.role, m.status,
           (select count(*) from outbound_messages x
            where x.org_id = u.o and x.kind = 'acknowledgement' and x.recipients[1] = u.e
              and x.created_at >= p_ack_since),
           o.slug::text, o.name, o.is_demo, o.mail_from_name, o.mail_signature, o.mail_closed_reply,
           o.mail_acknowledge,
           (select v.version from config_versions v where v.org_id = o.id)
    from unnest(p_org_ids, p_emails, p_dedupe_keys) with ordinality as u(o, e, d, ord)
    join organizations o on o.id = u.o
    join users p on p.email = u.e::citext
    left join memberships m on m.org_id = u.o and m.user_id = p.id
    order by u.ord;
end
$$;

CREATE FUNCTION public.fd_intake_tickets(p_org_ids uuid[], p_ids uuid[], p_subjects text[], p_descriptions text[], p_priorities smallint[], p_department_ids uuid[], p_requester_ids uuid[], p_event_ids uuid[], p_event_changes jsonb[], p_response_due timestamp with time zone[], p_resolution_due timestamp with time zone[], p_response_risk timestamp with time zone[], p_resolution_risk timestamp with time zone[], p_paused boolean[], p_reply_tokens text[], p_inbound_ids uuid[], p_mail_froms text[], p_rcpt_tos jsonb, p_peers text[], p_raws bytea[], p_dedupe_keys text[], p_message_ids text[], p_from_addresses text[], p_raw_subjects text[], p_file_ords integer[], p_file_ids uuid[], p_file_names text[], p_file_types text[], p_file_sizes bigint[], p_file_sha256 text[], p_file_content_ids text[], p_file_inline boolean[], p_auths jsonb[]) RETURNS SETOF public.ticket_view
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
    select * from fd_insert_tickets(array(
        select row(u.o, u.id, 'incident', u.subject, u.description, 'new', u.priority, null, null, 'email',
                   u.department_id, null, u.requester_id, null, u.requester_id, '{}', u.event_id,
                   u.event_changes, u.response_due, u.resolution_due, u.response_risk, u.resolution_risk,
                   u.paused, u.inbound_id, null, u.reply_token, null, null, null, null, null, null, null,
                   null)::new_ticket
        from unnest(p_org_ids, p_ids, p_subjects, p_descriptions, p_priorities, p_department_ids,
                    p_requester_ids, p_event_ids, p_event_changes, p_response_due, p_resolution_due,
                    p_response_risk, p_resolution_risk, p_paused, p_inbound_ids, p_reply_tokens)
             with ordinality as u(o, id, subject, description, priority, department_id, requester_id,
                                  event_id, event_changes, response_due, resolution_due, response_risk,
                                  resolution_risk, paused, inbound_id, reply_token, ord)
        order by u.ord));
end
$$;

CREATE FUNCTION public.fd_invitation_by_token(p_token_hash bytea) RETURNS TABLE(org_id uuid, user_id uuid, email public.citext, role text, password_hash text, verified boolean, org_slug text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
    select i.org_id, i.user_id, u.email, i.role, u.password_hash, u.email_verified_at is not null, o.slug
    from invitations i
    join users u on u.id = i.user_id
    join organizations o on o.id = i.org_id and not o.is_demo
    join memberships m on m.org_id = i.org_id and m.user_id = i.user_id and m.status = 'invited'
    where i.token_hash = p_token_hash and i.accepted_at is null and i.expires_at > now()
$$;

CREATE FUNCTION public.fd_is_staff() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    select fd_role() in ('owner', 'admin', 'agent', 'system')
$$;

CREATE FUNCTION public.fd_isolate_tenant_table(p_table regclass) RETURNS void
    LANGUAGE plpgsql
    AS $$
begin
    execute format('alter table %s enable row level security', p_table);
    execute format('alter table %s force row level security', p_table);
    execute format(
        'create policy tenant_isolation on %s
             using (org_id = nullif(current_setting(''app.org_id'', true), '''')::uuid)
             with check (org_id = nullif(current_setting(''app.org_id'', true), '''')::uuid)', p_table);
    perform fd_guard_read_only(p_table);
end
$$;

CREATE FUNCTION public.fd_link_mail(p_link_id uuid) RETURNS TABLE(purpose text, email public.citext, org_name text, expires_at timestamp with time zone, used boolean, sent boolean, account_email public.citext, created_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
    select l.purpose, l.email, o.name, l.expires_at, l.used_at is not null, l.sent_at is not null,
           u.email, l.created_at
    from email_links l
    join users u on u.id = l.user_id
    left join organizations o on o.id = l.about_org_id
    where l.id = p_link_id
$$;

CREATE FUNCTION public.fd_link_mail_sent(p_link_id uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
    update email_links set sent_at = now() where id = p_link_id and sent_at is null
$$;

CREATE FUNCTION public.fd_lock_record(p_org_id uuid, p_kind text, p_id uuid) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
begin
    case p_kind
        when 'ticket' then
            perform 1 from tickets t where t.org_id = p_org_id and t.id = p_id for key share;
        else
            return false;
    end case;
    return found;
end
$$;

CREATE FUNCTION public.fd_login_candidates(p_email public.citext) RETURNS TABLE(user_id uuid, password_hash text, org_id uuid, org_slug text, role text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
    select u.id, u.password_hash, m.org_id, o.slug, m.role
    from users u
    join memberships m on m.user_id = u.id and m.status = 'active'
    join organizations o on o.id = m.org_id and not o.is_demo
    where u.email = p_email and u.email_verified_at is not null and not u.demo
    order by o.slug
$$;

CREATE FUNCTION public.fd_mail_person(p_org_id uuid, p_new_user_id uuid, p_email public.citext, p_name text, p_dedupe_key text) RETURNS TABLE(duplicate boolean, user_id uuid, role text, status text)
    LANGUAGE plpgsql
    AS $$
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
    v_user := fd_ensure_person(p_new_user_id, p_email);
    select m.role, m.status into v_role, v_status
    from memberships m where m.org_id = p_org_id and m.user_id = v_user;
    if not found then
        insert into memberships (org_id, user_id, role, status, name)
        values (p_org_id, v_user, 'requester', 'active', p_name)
        on conflict (org_id, user_id) do nothing;
        select m.role, m.status into v_role, v_status
        from memberships m where m.org_id = p_org_id and m.user_id = v_user;
    end if;
    return query select false, v_user, v_role, v_status;
end
$$;

CREATE FUNCTION public.fd_new_reply_token() RETURNS text
    LANGUAGE plpgsql PARALLEL SAFE
    AS $$
declare
    b constant bytea := uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid());
    token text := '';
begin
    for i in 0..15 loop
        token := token || substr('abcdefghijkmnpqrstuvwxyz23456789', get_byte(b, 2 * i) % 32 + 1, 1);
    end loop;
    return token;
end
$$;

CREATE FUNCTION public.fd_next_number(p_kind text) RETURNS integer
    LANGUAGE sql
    AS $$
    insert into record_counters (org_id, kind, last_number)
    values (nullif(current_setting('app.org_id', true), '')::uuid, p_kind, 1)
    on conflict (org_id, kind) do update set last_number = record_counters.last_number + 1
    returning last_number
$$;

CREATE FUNCTION public.fd_notices_sent(p_worker text, p_jobs uuid[]) RETURNS SETOF uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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

CREATE FUNCTION public.fd_page_version(p_org_id uuid, p_user_id uuid) RETURNS bigint
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    return (select coalesce(v.version, 0)
            from public.memberships m left join public.page_versions v on v.org_id = m.org_id
            where m.org_id = p_org_id and m.user_id = p_user_id and m.status = 'active');
end
$$;

CREATE FUNCTION public.fd_queue_link_mail(p_link_id uuid) RETURNS void
    LANGUAGE sql
    SET search_path TO 'public', 'pg_temp'
    AS $$
    insert into jobs (id, org_id, kind, payload, dedupe_key)
    values (gen_random_uuid(), null, 'account.mail', jsonb_build_object('link_id', p_link_id),
            'link:' || p_link_id::text)
    on conflict do nothing
$$;

CREATE FUNCTION public.fd_quota_rank(p_org_id uuid, p_created_at timestamp with time zone, p_id uuid, p_cap bigint) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
    select count(*) from (
        select from outbound_messages x
        where x.org_id = p_org_id and x.created_at > now() - interval '24 hours' and x.status <> 'failed'
          and (x.created_at, x.id) <= (p_created_at, p_id)
        limit p_cap + 1
    ) counted
$$;

CREATE TABLE public.organizations (
    id uuid NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    time_zone text DEFAULT 'UTC'::text NOT NULL,
    is_demo boolean DEFAULT false NOT NULL,
    subscription_status text DEFAULT 'trialing'::text NOT NULL,
    trial_ends_at timestamp with time zone,
    current_period_end timestamp with time zone,
    settings jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    sla_pause_statuses text[] DEFAULT '{pending}'::text[] NOT NULL,
    mail_from_name text,
    mail_signature text,
    mail_closed_reply text DEFAULT 'follow_up'::text NOT NULL,
    mail_acknowledge boolean DEFAULT true NOT NULL,
    demo_data_as_of timestamp with time zone,
    stripe_customer_id text,
    stripe_subscription_id text,
    billing_interval text,
    grace_ends_at timestamp with time zone,
    cancel_at_period_end boolean DEFAULT false NOT NULL,
    subscription_synced_at timestamp with time zone,
    trial_reminder_sent_at timestamp with time zone,
    mail_unproven_replies text DEFAULT 'new_ticket'::text NOT NULL,
    CONSTRAINT organizations_billing_interval_check CHECK ((billing_interval = ANY (ARRAY['month'::text, 'year'::text]))),
    CONSTRAINT organizations_mail_closed_reply_check CHECK ((mail_closed_reply = ANY (ARRAY['reopen'::text, 'follow_up'::text]))),
    CONSTRAINT organizations_mail_from_name_check CHECK ((length(mail_from_name) <= 120)),
    CONSTRAINT organizations_mail_signature_check CHECK ((length(mail_signature) <= 2000)),
    CONSTRAINT organizations_mail_unproven_replies_check CHECK ((mail_unproven_replies = ANY (ARRAY['new_ticket'::text, 'quarantine'::text]))),
    CONSTRAINT organizations_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 120))),
    CONSTRAINT organizations_sla_pause_statuses_check CHECK ((sla_pause_statuses <@ ARRAY['new'::text, 'open'::text, 'pending'::text])),
    CONSTRAINT organizations_slug_format CHECK ((slug ~ '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$'::text)),
    CONSTRAINT organizations_subscription_status_check CHECK ((subscription_status = ANY (ARRAY['trialing'::text, 'active'::text, 'past_due'::text, 'canceled'::text, 'unpaid'::text])))
);

ALTER TABLE ONLY public.organizations FORCE ROW LEVEL SECURITY;

CREATE FUNCTION public.fd_read_only_reason(o public.organizations) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    select case
        when coalesce(current_setting('app.billing', true), '') <> 'on' or o.is_demo then null
        when o.subscription_status = 'active' then null
        -- A trial Stripe runs (a subscription exists) ends with Stripe's own update; our own
        -- trial ends at trial_ends_at.
        when o.subscription_status = 'trialing' then
            case when o.stripe_subscription_id is null and o.trial_ends_at <= now() then 'trial_ended' end
        when o.subscription_status = 'past_due' then
            case when o.grace_ends_at <= now() then 'payment_overdue' end
        when o.subscription_status = 'unpaid' then 'unpaid'
        when o.subscription_status = 'canceled' then 'canceled'
    end
$$;

CREATE FUNCTION public.fd_record_stripe_event(p_id text, p_type text, p_org uuid, p_payload jsonb) RETURNS boolean
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
    with added as (
        insert into stripe_events (id, type, org_id, payload, processed_at)
        values (p_id, p_type, p_org, p_payload, case when p_org is null then now() end)
        on conflict (id) do nothing
        returning 1
    )
    select exists (select 1 from added)
$$;

CREATE FUNCTION public.fd_refuse_writes_when_read_only() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
    v_state text := coalesce(current_setting('app.write_state', true), '');
begin
    if v_state = '' then
        if coalesce(current_setting('app.billing', true), '') <> 'on'
           or fd_role() not in ('owner', 'admin', 'agent', 'stakeholder', 'requester') then
            v_state := 'writable';
        else
            select coalesce(fd_read_only_reason(o), 'writable') into v_state from organizations o
            where o.id = nullif(current_setting('app.org_id', true), '')::uuid;
            v_state := coalesce(v_state, 'writable');
        end if;
        perform set_config('app.write_state', v_state, true);
    end if;
    if v_state <> 'writable' and coalesce(current_setting('app.billing_write', true), '') <> 'on' then
        raise exception 'this organisation is read-only until its subscription is renewed (%)', v_state
            using errcode = 'FD001';
    end if;
    return null;
end
$$;

CREATE FUNCTION public.fd_request_email_change(p_user_id uuid, p_link_id uuid, p_new_email public.citext, p_token_hash bytea, p_expires_at timestamp with time zone) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
begin
    if exists (select 1 from users u where u.id = p_user_id and u.demo) then
        raise exception 'the demo''s people keep their addresses' using errcode = '42501';
    end if;
    update email_links set used_at = now()
    where user_id = p_user_id and purpose = 'change_email' and used_at is null;
    insert into email_links (id, user_id, purpose, email, token_hash, expires_at)
    values (p_link_id, p_user_id, 'change_email', p_new_email, p_token_hash, p_expires_at);
    perform fd_queue_link_mail(p_link_id);
end
$$;

CREATE FUNCTION public.fd_request_password_reset(p_link_id uuid, p_email public.citext, p_token_hash bytea, p_expires_at timestamp with time zone) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
    v_user uuid;
begin
    select u.id into v_user from users u
    where u.email = p_email and not u.demo
      and exists (select 1 from memberships m join organizations o on o.id = m.org_id
                  where m.user_id = u.id and m.status = 'active' and not o.is_demo);
    if v_user is null then
        return;
    end if;
    update email_links set used_at = now()
    where user_id = v_user and purpose = 'reset_password' and used_at is null;
    insert into email_links (id, user_id, purpose, email, token_hash, expires_at)
    values (p_link_id, v_user, 'reset_password', p_email, p_token_hash, p_expires_at);
    perform fd_queue_link_mail(p_link_id);
end
$$;

CREATE FUNCTION public.fd_role() RETURNS text
    LANGUAGE sql STABLE
    AS $$
    select coalesce(nullif(current_setting('app.role', true), ''), 'none')
$$;

CREATE FUNCTION public.fd_route_inbound(p_address public.citext, p_inbound_domain text) RETURNS TABLE(org_id uuid, is_demo boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
    select o.id, o.is_demo from organizations o
    where lower(split_part(p_address::text, '@', 2)) = lower(p_inbound_domain)
      and o.slug = split_part(split_part(p_address::text, '@', 1), '+', 1)
    union all
    select o.id, o.is_demo from mail_aliases a join organizations o on o.id = a.org_id
    where a.address = p_address and a.verified_at is not null and not o.is_demo
    limit 1
$$;

CREATE FUNCTION public.fd_set_password(p_user_id uuid, p_password_hash text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
    v_email citext;
begin
    update users set password_hash = p_password_hash where id = p_user_id and not demo
    returning email into v_email;
    if v_email is not null then
        perform fd_tell_account(p_user_id, 'password_changed', v_email);
    end if;
end
$$;

CREATE FUNCTION public.fd_sign_up(p_org_id uuid, p_slug text, p_org_name text, p_time_zone text, p_trial_ends_at timestamp with time zone, p_new_user_id uuid, p_email public.citext, p_member_name text, p_password_hash text, p_confirm_link_id uuid, p_confirm_token_hash bytea, p_reset_link_id uuid, p_reset_token_hash bytea, p_link_expires_at timestamp with time zone) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
    v_user uuid;
begin
    insert into organizations (id, slug, name, time_zone, trial_ends_at)
    values (p_org_id, p_slug, p_org_name, p_time_zone, p_trial_ends_at);
    insert into users (id, email, password_hash) values (p_new_user_id, p_email, p_password_hash)
    on conflict (email) do nothing
    returning id into v_user;
    if v_user is not null then
        insert into email_links (id, user_id, purpose, email, about_org_id, token_hash, expires_at)
        values (p_confirm_link_id, v_user, 'confirm_email', p_email, p_org_id, p_confirm_token_hash,
                p_link_expires_at);
        perform fd_queue_link_mail(p_confirm_link_id);
    else
        select id into v_user from users where email = p_email;
        insert into email_links (id, user_id, purpose, email, about_org_id, token_hash, expires_at)
        values (p_reset_link_id, v_user, 'reset_password', p_email, p_org_id, p_reset_token_hash,
                p_link_expires_at);
        perform fd_queue_link_mail(p_reset_link_id);
    end if;
    insert into memberships (org_id, user_id, role, name) values (p_org_id, v_user, 'owner', p_member_name);
    return v_user;
end
$$;

CREATE FUNCTION public.fd_sla_sweep(p_now timestamp with time zone, p_limit integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
    v_raised integer;
begin
    with due as (
        select org_id, id, 'response_at_risk' as kind, response_due_at as due_at, assignee_id, kind as tkind, number
        from tickets where status in ('new', 'open', 'pending') and response_at_risk_at <= p_now
        union all
        select org_id, id, 'resolution_at_risk', resolution_due_at, assignee_id, kind, number
        from tickets where status in ('new', 'open', 'pending') and resolution_at_risk_at <= p_now
        union all
        select org_id, id, 'response_breached', response_due_at, assignee_id, kind, number
        from tickets where status in ('new', 'open', 'pending') and response_due_at <= p_now
        union all
        select org_id, id, 'resolution_breached', resolution_due_at, assignee_id, kind, number
        from tickets where status in ('new', 'open', 'pending') and resolution_due_at <= p_now
    ), fresh as (
        select d.* from due d
        where d.due_at is not null and not exists (
            select 1 from sla_escalations e
            where e.org_id = d.org_id and e.ticket_id = d.id and e.kind = d.kind and e.due_at = d.due_at)
        limit p_limit
    ), raised as (
        insert into sla_escalations (org_id, id, ticket_id, kind, due_at)
        select org_id, gen_random_uuid(), id, kind, due_at from fresh
        on conflict do nothing
        returning org_id, ticket_id, kind
    ), escalated as (
        -- What was raised, with the ticket's details carried from `fresh` (no second lookup).
        select f.org_id, f.id as ticket_id, f.kind, f.assignee_id, f.tkind, f.number
        from raised r join fresh f on f.org_id = r.org_id and f.id = r.ticket_id and f.kind = r.kind
    ), recipients as (
        -- Two branches rather than one join on "assignee or admin", so each uses its index.
        select e.*, e.assignee_id as user_id
        from escalated e
        join memberships m on m.org_id = e.org_id and m.user_id = e.assignee_id and m.status = 'active'
        union
        select e.*, m.user_id
        from escalated e
        join memberships m on m.org_id = e.org_id and m.role in ('owner', 'admin') and m.status = 'active'
        where e.assignee_id is null or e.kind like '%breached'
    ), notified as (
        insert into notifications (org_id, id, user_id, kind, ticket_id, title)
        select rc.org_id, gen_random_uuid(), rc.user_id, 'sla.' || rc.kind, rc.ticket_id,
               case rc.tkind when 'incident' then 'INC-' else 'REQ-' end || lpad(rc.number::text, 4, '0')
               || case rc.kind
                      when 'response_at_risk' then ': first response due soon'
                      when 'resolution_at_risk' then ': resolution due soon'
                      when 'response_breached' then ': first response overdue'
                      else ': resolution overdue' end
        from recipients rc
        returning 1
    )
    -- Postgres runs every data-modifying CTE once, referenced or not, so `notified` happens.
    select count(*) into v_raised from raised;
    return v_raised;
end
$$;

CREATE FUNCTION public.fd_stored_notices(p_worker text, p_jobs uuid[], p_cap bigint) RETURNS TABLE(job_id uuid, org_id uuid, outbound_id uuid, ticket_id uuid, status text, recipients text[], mail jsonb, quota_rank bigint, trialing boolean)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
begin
    return query
    with batch as (
        select j.id as job_id, o.org_id, o.id, o.created_at, o.ticket_id, o.status, o.recipients, o.mail
        from jobs j
        join outbound_messages o
          on o.org_id = j.org_id
         and o.kind = j.payload->>'notice'
         and o.source_id = (j.payload->>'source_id')::uuid
        where j.id = any(p_jobs) and j.kind = 'mail.notify' and j.locked_by = p_worker and j.status = 'running'
    ),
    firsts as (
        select distinct on (b.org_id) b.org_id, b.created_at, b.id from batch b
        order by b.org_id, b.created_at, b.id
    ),
    lasts as (
        select distinct on (b.org_id) b.org_id, b.created_at, b.id from batch b
        order by b.org_id, b.created_at desc, b.id desc
    ),
    numbered as materialized (
        select f.org_id, s.id, before.n + s.place as rank
        from firsts f
        join lasts l on l.org_id = f.org_id
        cross join lateral (
            select count(*) as n from (
                select from outbound_messages x
                where x.org_id = f.org_id and x.created_at > now() - interval '24 hours' and x.status <> 'failed'
                  and (x.created_at, x.id) < (f.created_at, f.id)
                limit p_cap + 1
            ) counted
        ) before
        cross join lateral (
            select x.id, row_number() over (order by x.created_at, x.id) as place
            from outbound_messages x
            where x.org_id = f.org_id and x.created_at > now() - interval '24 hours' and x.status <> 'failed'
              and (x.created_at, x.id) >= (f.created_at, f.id)
              and (x.created_at, x.id) <= (l.created_at, l.id)
            order by x.created_at, x.id
            limit p_cap + 1
        ) s
    )
    select b.job_id, b.org_id, b.id, b.ticket_id, b.status, b.recipients, b.mail,
           case when n.rank is null then fd_quota_rank(b.org_id, b.created_at, b.id, p_cap)
                else least(n.rank, p_cap + 1) end,
           g.subscription_status = 'trialing' and g.stripe_subscription_id is null
    from batch b
    join organizations g on g.id = b.org_id
    left join numbered n on n.org_id = b.org_id and n.id = b.id;
end
$$;

CREATE FUNCTION public.fd_tell_account(p_user_id uuid, p_purpose text, p_email public.citext) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
    v_id uuid := gen_random_uuid();
begin
    insert into email_links (id, user_id, purpose, email, token_hash, expires_at)
    values (v_id, p_user_id, p_purpose, p_email, null, now() + interval '7 days');
    perform fd_queue_link_mail(v_id);
end
$$;

CREATE FUNCTION public.fd_use_email_link(p_token_hash bytea, p_purpose text, p_password_hash text) RETURNS TABLE(user_id uuid, old_email public.citext, new_email public.citext)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
    v_link email_links%rowtype;
    v_old citext;
begin
    select * into v_link from email_links l
    where l.token_hash = p_token_hash and l.purpose = p_purpose and l.used_at is null and l.expires_at > now()
    for update;
    if v_link.id is null then
        return;
    end if;
    select u.email into v_old from users u where u.id = v_link.user_id and not u.demo for update;
    if v_old is null or (p_purpose <> 'change_email' and v_old <> v_link.email) then
        return;
    end if;
    update email_links set used_at = now() where id = v_link.id;
    if p_purpose = 'change_email' then
        update users set email = v_link.email, email_verified_at = now() where id = v_link.user_id;
        update email_links set used_at = now()
        where email_links.user_id = v_link.user_id and used_at is null and token_hash is not null;
        perform fd_tell_account(v_link.user_id, 'email_changed', v_old);
    elsif p_purpose = 'reset_password' then
        if p_password_hash is null then
            raise exception 'a password reset needs the new password' using errcode = '22023';
        end if;
        update users set password_hash = p_password_hash, email_verified_at = coalesce(email_verified_at, now())
        where id = v_link.user_id;
        perform fd_tell_account(v_link.user_id, 'password_changed', v_old);
    else
        update users set email_verified_at = coalesce(email_verified_at, now()) where id = v_link.user_id;
    end if;
    return query select v_link.user_id, v_old, v_link.email;
end
$$;

CREATE FUNCTION public.fd_user_id() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$
    select nullif(current_setting('app.user_id', true), '')::uuid
$$;

CREATE FUNCTION public.memberships_keep_the_demo_apart() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
begin
    if (select u.demo from users u where u.id = new.user_id)
       is distinct from (select o.is_demo from organizations o where o.id = new.org_id) then
        raise exception 'the public demo''s people belong to the demo alone'
            using errcode = '23514', constraint = 'memberships_demo_apart';
    end if;
    return new;
end
$$;

CREATE FUNCTION public.memberships_take_the_address() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
begin
    new.email := (select u.email from users u where u.id = new.user_id);
    return new;
end
$$;

CREATE FUNCTION public.organizations_config_version_bump() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
begin
    perform fd_bump_config_version(new.id);
    return null;
end
$$;

CREATE FUNCTION public.page_versions_bump() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
begin
    perform fd_bump_page_versions(array(select distinct org_id from changed));
    return null;
end
$$;

CREATE FUNCTION public.record_links_ends_exist() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if not fd_lock_record(new.org_id, new.source_kind, new.source_id)
       or not fd_lock_record(new.org_id, new.target_kind, new.target_id) then
        raise exception 'a link joins two records of its organisation'
            using errcode = '23503', constraint = 'record_links_ends_exist';
    end if;
    return new;
end
$$;

CREATE FUNCTION public.record_links_go_with_their_records() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    delete from record_links l
    using gone g
    where l.org_id = g.org_id and l.source_kind = tg_argv[0] and l.source_id = g.id;
    delete from record_links l
    using gone g
    where l.org_id = g.org_id and l.target_kind = tg_argv[0] and l.target_id = g.id;
    return null;
end
$$;

CREATE FUNCTION public.set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    new.updated_at := now();
    return new;
end
$$;

CREATE FUNCTION public.ticket_numbers_page_version_first() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    perform 1 from public.page_versions where org_id operator(pg_catalog.=) new.org_id for no key update;
    if not found then
        perform public.fd_bump_page_versions(array[new.org_id]);
    end if;
    return new;
end
$$;

CREATE FUNCTION public.users_address_to_memberships() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
begin
    update memberships set email = new.email where user_id = new.id;
    return null;
end
$$;

CREATE TABLE public._sqlx_migrations (
    version bigint NOT NULL,
    description text NOT NULL,
    installed_on timestamp with time zone DEFAULT now() NOT NULL,
    success boolean NOT NULL,
    checksum bytea NOT NULL,
    execution_time bigint NOT NULL
);

CREATE TABLE public.api_tokens (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    name text NOT NULL,
    token_hash bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    CONSTRAINT api_tokens_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 80)))
);

ALTER TABLE ONLY public.api_tokens FORCE ROW LEVEL SECURITY;

CREATE TABLE public.attachments (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    ticket_id uuid NOT NULL,
    message_id uuid,
    filename text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL,
    sha256 text NOT NULL,
    content_id text,
    inline boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT attachments_filename_check CHECK (((length(filename) >= 1) AND (length(filename) <= 255))),
    CONSTRAINT attachments_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT attachments_size_bytes_check CHECK ((size_bytes >= 0))
);

ALTER TABLE ONLY public.attachments FORCE ROW LEVEL SECURITY;

CREATE TABLE public.business_calendars (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    time_zone text NOT NULL,
    working_hours jsonb NOT NULL,
    holidays date[] DEFAULT '{}'::date[] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT business_calendars_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 80))),
    CONSTRAINT business_calendars_working_hours_check CHECK ((jsonb_typeof(working_hours) = 'array'::text))
);

ALTER TABLE ONLY public.business_calendars FORCE ROW LEVEL SECURITY;

CREATE TABLE public.categories (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    department_id uuid NOT NULL,
    parent_id uuid,
    name text NOT NULL,
    "position" integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT categories_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 80)))
);

ALTER TABLE ONLY public.categories FORCE ROW LEVEL SECURITY;

CREATE SEQUENCE public.config_version_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.config_versions (
    org_id uuid NOT NULL,
    version bigint NOT NULL
);

ALTER TABLE ONLY public.config_versions FORCE ROW LEVEL SECURITY;

CREATE TABLE public.departments (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT departments_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 80)))
);

ALTER TABLE ONLY public.departments FORCE ROW LEVEL SECURITY;

CREATE TABLE public.email_links (
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    purpose text NOT NULL,
    email public.citext NOT NULL,
    about_org_id uuid,
    token_hash bytea,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    sent_at timestamp with time zone,
    CONSTRAINT email_links_notices_carry_no_token CHECK (((purpose = ANY (ARRAY['password_changed'::text, 'email_changed'::text])) = (token_hash IS NULL))),
    CONSTRAINT email_links_purpose_check CHECK ((purpose = ANY (ARRAY['confirm_email'::text, 'reset_password'::text, 'change_email'::text, 'password_changed'::text, 'email_changed'::text])))
);

ALTER TABLE ONLY public.email_links FORCE ROW LEVEL SECURITY;

CREATE TABLE public.events (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    subject_type text NOT NULL,
    subject_id uuid NOT NULL,
    actor_id uuid,
    action text NOT NULL,
    changes jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.events FORCE ROW LEVEL SECURITY;

CREATE TABLE public.inbound_messages (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    mail_from text DEFAULT ''::text NOT NULL,
    rcpt_to text[] NOT NULL,
    peer text,
    size_bytes integer NOT NULL,
    raw bytea NOT NULL,
    status text DEFAULT 'received'::text NOT NULL,
    reason text,
    dedupe_key text,
    message_id text,
    from_address text,
    subject text,
    ticket_id uuid,
    processed_at timestamp with time zone,
    auth jsonb,
    CONSTRAINT inbound_messages_size_bytes_check CHECK ((size_bytes >= 0)),
    CONSTRAINT inbound_messages_status_check CHECK ((status = ANY (ARRAY['received'::text, 'processed'::text, 'duplicate'::text, 'ignored'::text, 'quarantined'::text, 'discarded'::text])))
);
ALTER TABLE ONLY public.inbound_messages ALTER COLUMN raw SET COMPRESSION lz4;

ALTER TABLE ONLY public.inbound_messages FORCE ROW LEVEL SECURITY;

CREATE TABLE public.invitations (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    role text NOT NULL,
    token_hash bytea NOT NULL,
    invited_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    accepted_at timestamp with time zone,
    CONSTRAINT invitations_role_check CHECK ((role = ANY (ARRAY['admin'::text, 'agent'::text, 'stakeholder'::text, 'requester'::text])))
);

ALTER TABLE ONLY public.invitations FORCE ROW LEVEL SECURITY;

CREATE TABLE public.mail_aliases (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    address public.citext NOT NULL,
    verified_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT mail_aliases_address_check CHECK (((length((address)::text) <= 254) AND (address OPERATOR(public.~) '^[^@\s]+@[^@\s]+$'::public.citext)))
);

ALTER TABLE ONLY public.mail_aliases FORCE ROW LEVEL SECURITY;

CREATE TABLE public.memberships (
    org_id uuid NOT NULL,
    user_id uuid NOT NULL,
    role text NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    name text NOT NULL,
    email public.citext NOT NULL,
    CONSTRAINT memberships_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 120))),
    CONSTRAINT memberships_role_check CHECK ((role = ANY (ARRAY['owner'::text, 'admin'::text, 'agent'::text, 'stakeholder'::text, 'requester'::text]))),
    CONSTRAINT memberships_status_check CHECK ((status = ANY (ARRAY['active'::text, 'invited'::text, 'disabled'::text])))
);

ALTER TABLE ONLY public.memberships FORCE ROW LEVEL SECURITY;

CREATE TABLE public.notifications (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    kind text NOT NULL,
    ticket_id uuid,
    title text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    read_at timestamp with time zone
);

ALTER TABLE ONLY public.notifications FORCE ROW LEVEL SECURITY;

CREATE TABLE public.outbound_messages (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    ticket_id uuid,
    kind text NOT NULL,
    source_id uuid NOT NULL,
    message_id text NOT NULL,
    recipients text[] NOT NULL,
    mail jsonb NOT NULL,
    status text DEFAULT 'queued'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    sent_at timestamp with time zone,
    CONSTRAINT outbound_messages_kind_check CHECK ((kind = ANY (ARRAY['acknowledgement'::text, 'reply'::text, 'status'::text, 'alias_verification'::text, 'trial_ending'::text, 'payment_failed'::text, 'invitation'::text]))),
    CONSTRAINT outbound_messages_status_check CHECK ((status = ANY (ARRAY['queued'::text, 'sending'::text, 'sent'::text, 'failed'::text])))
);
ALTER TABLE ONLY public.outbound_messages ALTER COLUMN mail SET COMPRESSION lz4;

ALTER TABLE ONLY public.outbound_messages FORCE ROW LEVEL SECURITY;

CREATE SEQUENCE public.page_version_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.page_versions (
    org_id uuid NOT NULL,
    version bigint NOT NULL
);

ALTER TABLE ONLY public.page_versions FORCE ROW LEVEL SECURITY;

CREATE TABLE public.record_counters (
    org_id uuid NOT NULL,
    kind text NOT NULL,
    last_number integer DEFAULT 0 NOT NULL,
    CONSTRAINT record_counters_last_number_check CHECK ((last_number >= 0))
);

ALTER TABLE ONLY public.record_counters FORCE ROW LEVEL SECURITY;

CREATE TABLE public.record_links (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    source_kind text NOT NULL,
    source_id uuid NOT NULL,
    target_kind text NOT NULL,
    target_id uuid NOT NULL,
    relation text NOT NULL,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT record_links_kind_check CHECK (((source_kind = 'ticket'::text) AND (target_kind = 'ticket'::text))),
    CONSTRAINT record_links_not_to_itself CHECK (((source_kind <> target_kind) OR (source_id <> target_id))),
    CONSTRAINT record_links_relation_check CHECK ((relation = ANY (ARRAY['relates_to'::text, 'duplicates'::text, 'caused_by'::text])))
);

ALTER TABLE ONLY public.record_links FORCE ROW LEVEL SECURITY;

CREATE TABLE public.sla_escalations (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    ticket_id uuid NOT NULL,
    kind text NOT NULL,
    due_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sla_escalations_kind_check CHECK ((kind = ANY (ARRAY['response_at_risk'::text, 'response_breached'::text, 'resolution_at_risk'::text, 'resolution_breached'::text])))
);

ALTER TABLE ONLY public.sla_escalations FORCE ROW LEVEL SECURITY;

CREATE TABLE public.sla_policies (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    department_id uuid NOT NULL,
    priority smallint NOT NULL,
    calendar_id uuid NOT NULL,
    first_response_minutes integer,
    resolution_minutes integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sla_policies_first_response_minutes_check CHECK ((first_response_minutes > 0)),
    CONSTRAINT sla_policies_priority_check CHECK (((priority >= 1) AND (priority <= 4))),
    CONSTRAINT sla_policies_resolution_minutes_check CHECK ((resolution_minutes > 0))
);

ALTER TABLE ONLY public.sla_policies FORCE ROW LEVEL SECURITY;

CREATE TABLE public.stripe_events (
    id text NOT NULL,
    org_id uuid,
    type text NOT NULL,
    payload jsonb NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    processed_at timestamp with time zone
);

ALTER TABLE ONLY public.stripe_events FORCE ROW LEVEL SECURITY;

CREATE TABLE public.ticket_mail_ids (
    org_id uuid NOT NULL,
    message_id text NOT NULL,
    ticket_id uuid NOT NULL
);

ALTER TABLE ONLY public.ticket_mail_ids FORCE ROW LEVEL SECURITY;

CREATE TABLE public.ticket_messages (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    ticket_id uuid NOT NULL,
    author_id uuid,
    internal boolean NOT NULL,
    body text NOT NULL,
    channel text DEFAULT 'web'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    search tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, "left"(body, 20000))) STORED,
    body_html text,
    original_body text,
    email_message_id text,
    email_from text,
    email_to text[],
    email_cc text[],
    inbound_message_id uuid,
    CONSTRAINT ticket_messages_body_check CHECK (((length(btrim(body)) >= 1) AND (length(btrim(body)) <= 100000))),
    CONSTRAINT ticket_messages_channel_check CHECK ((channel = ANY (ARRAY['web'::text, 'portal'::text, 'email'::text, 'api'::text, 'phone'::text])))
);
ALTER TABLE ONLY public.ticket_messages ALTER COLUMN body SET COMPRESSION lz4;
ALTER TABLE ONLY public.ticket_messages ALTER COLUMN body_html SET COMPRESSION lz4;
ALTER TABLE ONLY public.ticket_messages ALTER COLUMN original_body SET COMPRESSION lz4;

ALTER TABLE ONLY public.ticket_messages FORCE ROW LEVEL SECURITY;

CREATE TABLE public.ticket_participants (
    org_id uuid NOT NULL,
    ticket_id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.ticket_participants FORCE ROW LEVEL SECURITY;

CREATE TABLE public.tickets (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    kind text NOT NULL,
    number integer NOT NULL,
    subject text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    status text DEFAULT 'new'::text NOT NULL,
    priority smallint NOT NULL,
    impact text,
    urgency text,
    channel text DEFAULT 'web'::text NOT NULL,
    department_id uuid NOT NULL,
    category_id uuid,
    requester_id uuid,
    assignee_id uuid,
    created_by uuid,
    tags text[] DEFAULT '{}'::text[] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    first_response_at timestamp with time zone,
    resolved_at timestamp with time zone,
    closed_at timestamp with time zone,
    reopen_count integer DEFAULT 0 NOT NULL,
    response_due_at timestamp with time zone,
    resolution_due_at timestamp with time zone,
    response_breached boolean DEFAULT false NOT NULL,
    resolution_breached boolean DEFAULT false NOT NULL,
    search tsvector GENERATED ALWAYS AS ((setweight(to_tsvector('english'::regconfig, subject), 'A'::"char") || setweight(to_tsvector('english'::regconfig, "left"(description, 20000)), 'B'::"char"))) STORED,
    response_at_risk_at timestamp with time zone,
    resolution_at_risk_at timestamp with time zone,
    sla_paused boolean DEFAULT false NOT NULL,
    reply_token text DEFAULT public.fd_new_reply_token() NOT NULL,
    follow_up_of uuid,
    source_inbound_id uuid,
    CONSTRAINT tickets_channel_check CHECK ((channel = ANY (ARRAY['web'::text, 'portal'::text, 'email'::text, 'api'::text, 'phone'::text]))),
    CONSTRAINT tickets_description_check CHECK ((length(description) <= 100000)),
    CONSTRAINT tickets_impact_check CHECK ((impact = ANY (ARRAY['high'::text, 'medium'::text, 'low'::text]))),
    CONSTRAINT tickets_kind_check CHECK ((kind = ANY (ARRAY['incident'::text, 'service_request'::text]))),
    CONSTRAINT tickets_number_check CHECK ((number > 0)),
    CONSTRAINT tickets_priority_check CHECK (((priority >= 1) AND (priority <= 4))),
    CONSTRAINT tickets_status_check CHECK ((status = ANY (ARRAY['new'::text, 'open'::text, 'pending'::text, 'resolved'::text, 'closed'::text]))),
    CONSTRAINT tickets_subject_check CHECK (((length(btrim(subject)) >= 1) AND (length(btrim(subject)) <= 250))),
    CONSTRAINT tickets_urgency_check CHECK ((urgency = ANY (ARRAY['high'::text, 'medium'::text, 'low'::text])))
);
ALTER TABLE ONLY public.tickets ALTER COLUMN description SET COMPRESSION lz4;

ALTER TABLE ONLY public.tickets FORCE ROW LEVEL SECURITY;

CREATE TABLE public.users (
    id uuid NOT NULL,
    email public.citext NOT NULL,
    password_hash text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    email_verified_at timestamp with time zone,
    demo boolean DEFAULT false NOT NULL,
    CONSTRAINT users_demo_addresses CHECK ((demo = (email OPERATOR(public.~~) '%.invalid'::public.citext)))
);

ALTER TABLE ONLY public.users FORCE ROW LEVEL SECURITY;

ALTER TABLE ONLY public._sqlx_migrations
    ADD CONSTRAINT _sqlx_migrations_pkey PRIMARY KEY (version);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_token_key UNIQUE (token_hash);

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.business_calendars
    ADD CONSTRAINT business_calendars_name_key UNIQUE (org_id, name);

ALTER TABLE ONLY public.business_calendars
    ADD CONSTRAINT business_calendars_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT categories_name_key UNIQUE NULLS NOT DISTINCT (org_id, department_id, parent_id, name);

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT categories_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.config_versions
    ADD CONSTRAINT config_versions_pkey PRIMARY KEY (org_id);

ALTER TABLE ONLY public.departments
    ADD CONSTRAINT departments_name_key UNIQUE (org_id, name);

ALTER TABLE ONLY public.departments
    ADD CONSTRAINT departments_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.email_links
    ADD CONSTRAINT email_links_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.email_links
    ADD CONSTRAINT email_links_token_key UNIQUE (token_hash);

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.inbound_messages
    ADD CONSTRAINT inbound_messages_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_token_key UNIQUE (token_hash);

ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.mail_aliases
    ADD CONSTRAINT mail_aliases_org_address_key UNIQUE (org_id, address);

ALTER TABLE ONLY public.mail_aliases
    ADD CONSTRAINT mail_aliases_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_pkey PRIMARY KEY (org_id, user_id);

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_slug_key UNIQUE (slug);

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_stripe_customer_key UNIQUE (stripe_customer_id);

ALTER TABLE ONLY public.outbound_messages
    ADD CONSTRAINT outbound_messages_message_id_key UNIQUE (org_id, message_id);

ALTER TABLE ONLY public.outbound_messages
    ADD CONSTRAINT outbound_messages_once UNIQUE (org_id, kind, source_id);

ALTER TABLE ONLY public.outbound_messages
    ADD CONSTRAINT outbound_messages_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.page_versions
    ADD CONSTRAINT page_versions_pkey PRIMARY KEY (org_id);

ALTER TABLE ONLY public.record_counters
    ADD CONSTRAINT record_counters_pkey PRIMARY KEY (org_id, kind);

ALTER TABLE ONLY public.record_links
    ADD CONSTRAINT record_links_once UNIQUE (org_id, source_kind, source_id, target_kind, target_id, relation);

ALTER TABLE ONLY public.record_links
    ADD CONSTRAINT record_links_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.sla_escalations
    ADD CONSTRAINT sla_escalations_once UNIQUE (org_id, ticket_id, kind, due_at);

ALTER TABLE ONLY public.sla_escalations
    ADD CONSTRAINT sla_escalations_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.sla_policies
    ADD CONSTRAINT sla_policies_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.sla_policies
    ADD CONSTRAINT sla_policies_priority_key UNIQUE (org_id, department_id, priority);

ALTER TABLE ONLY public.stripe_events
    ADD CONSTRAINT stripe_events_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ticket_mail_ids
    ADD CONSTRAINT ticket_mail_ids_pkey PRIMARY KEY (org_id, message_id);

ALTER TABLE ONLY public.ticket_messages
    ADD CONSTRAINT ticket_messages_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.ticket_participants
    ADD CONSTRAINT ticket_participants_pkey PRIMARY KEY (org_id, ticket_id, user_id);

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_number_key UNIQUE (org_id, kind, number);

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_pkey PRIMARY KEY (org_id, id);

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_reply_token_key UNIQUE (org_id, reply_token);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_email_key UNIQUE (email);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

CREATE INDEX api_tokens_user_idx ON public.api_tokens USING btree (org_id, user_id);

CREATE INDEX attachments_message_idx ON public.attachments USING btree (org_id, message_id);

CREATE INDEX attachments_ticket_idx ON public.attachments USING btree (org_id, ticket_id, created_at);

CREATE INDEX email_links_user_idx ON public.email_links USING btree (user_id, purpose) WHERE (used_at IS NULL);

CREATE INDEX events_subject_idx ON public.events USING btree (org_id, subject_type, subject_id, created_at, id);

CREATE UNIQUE INDEX inbound_messages_once ON public.inbound_messages USING btree (org_id, dedupe_key) WHERE (status = 'processed'::text);

CREATE INDEX inbound_messages_status_idx ON public.inbound_messages USING btree (org_id, status, received_at DESC, id);

CREATE INDEX inbound_messages_ticket_idx ON public.inbound_messages USING btree (org_id, ticket_id) WHERE (ticket_id IS NOT NULL);

CREATE INDEX invitations_user_idx ON public.invitations USING btree (org_id, user_id);

CREATE UNIQUE INDEX jobs_dedupe_key ON public.jobs USING btree (org_id, kind, dedupe_key) NULLS NOT DISTINCT WHERE (dedupe_key IS NOT NULL);

CREATE INDEX jobs_lease_idx ON public.jobs USING btree (locked_until) WHERE (status = 'running'::text);

CREATE INDEX jobs_org_idx ON public.jobs USING btree (org_id, status);

CREATE INDEX jobs_ready_idx ON public.jobs USING btree (run_at) WHERE (status = 'queued'::text);

CREATE UNIQUE INDEX mail_aliases_verified_key ON public.mail_aliases USING btree (address) WHERE (verified_at IS NOT NULL);

CREATE INDEX memberships_org_email_idx ON public.memberships USING btree (org_id, email);

CREATE INDEX memberships_user_idx ON public.memberships USING btree (user_id);

CREATE INDEX notifications_ticket_idx ON public.notifications USING btree (org_id, ticket_id);

CREATE INDEX notifications_user_idx ON public.notifications USING btree (org_id, user_id, created_at DESC, id);

CREATE INDEX outbound_messages_ack_idx ON public.outbound_messages USING btree (org_id, (recipients[1]), created_at) WHERE (kind = 'acknowledgement'::text);

CREATE INDEX outbound_messages_org_created_idx ON public.outbound_messages USING btree (org_id, created_at);

CREATE INDEX outbound_messages_ticket_idx ON public.outbound_messages USING btree (org_id, ticket_id);

CREATE INDEX record_links_target_idx ON public.record_links USING btree (org_id, target_kind, target_id);

CREATE INDEX stripe_events_org_idx ON public.stripe_events USING btree (org_id, received_at);

CREATE INDEX ticket_mail_ids_ticket_idx ON public.ticket_mail_ids USING btree (org_id, ticket_id);

CREATE INDEX ticket_messages_author_idx ON public.ticket_messages USING btree (org_id, author_id);

CREATE INDEX ticket_messages_search_idx ON public.ticket_messages USING gin (org_id, search);

CREATE INDEX ticket_messages_ticket_idx ON public.ticket_messages USING btree (org_id, ticket_id, created_at, id);

CREATE INDEX ticket_participants_user_idx ON public.ticket_participants USING btree (org_id, user_id);

CREATE INDEX tickets_assignee_idx ON public.tickets USING btree (org_id, assignee_id, status);

CREATE INDEX tickets_created_idx ON public.tickets USING btree (org_id, created_at, id);

CREATE INDEX tickets_follow_up_idx ON public.tickets USING btree (org_id, follow_up_of) WHERE (follow_up_of IS NOT NULL);

CREATE INDEX tickets_queue_idx ON public.tickets USING btree (org_id, priority, created_at, id) WHERE (status = ANY (ARRAY['new'::text, 'open'::text, 'pending'::text]));

CREATE INDEX tickets_requester_idx ON public.tickets USING btree (org_id, requester_id, created_at);

CREATE INDEX tickets_resolution_due_idx ON public.tickets USING btree (org_id, COALESCE(resolution_due_at, 'infinity'::timestamp with time zone), id) WHERE (status = ANY (ARRAY['new'::text, 'open'::text, 'pending'::text]));

CREATE INDEX tickets_resolution_due_sweep_idx ON public.tickets USING btree (resolution_due_at) WHERE ((status = ANY (ARRAY['new'::text, 'open'::text, 'pending'::text])) AND (resolution_due_at IS NOT NULL));

CREATE INDEX tickets_resolution_risk_idx ON public.tickets USING btree (resolution_at_risk_at) WHERE ((status = ANY (ARRAY['new'::text, 'open'::text, 'pending'::text])) AND (resolution_at_risk_at IS NOT NULL));

CREATE INDEX tickets_response_due_idx ON public.tickets USING btree (response_due_at) WHERE ((status = ANY (ARRAY['new'::text, 'open'::text, 'pending'::text])) AND (response_due_at IS NOT NULL));

CREATE INDEX tickets_response_risk_idx ON public.tickets USING btree (response_at_risk_at) WHERE ((status = ANY (ARRAY['new'::text, 'open'::text, 'pending'::text])) AND (response_at_risk_at IS NOT NULL));

CREATE INDEX tickets_search_idx ON public.tickets USING gin (org_id, search);

CREATE INDEX tickets_tags_idx ON public.tickets USING gin (org_id, tags);

CREATE INDEX tickets_updated_idx ON public.tickets USING btree (org_id, updated_at, id);

CREATE TRIGGER business_calendars_config_version AFTER INSERT OR DELETE OR UPDATE ON public.business_calendars FOR EACH ROW EXECUTE FUNCTION public.config_versions_bump();

CREATE TRIGGER business_calendars_updated_at BEFORE UPDATE ON public.business_calendars FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TRIGGER categories_page_version_delete AFTER DELETE ON public.categories REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.page_versions_bump();

CREATE TRIGGER categories_page_version_insert AFTER INSERT ON public.categories REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.page_versions_bump();

CREATE TRIGGER categories_page_version_update AFTER UPDATE ON public.categories REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.page_versions_bump();

CREATE TRIGGER categories_two_levels BEFORE INSERT OR UPDATE ON public.categories FOR EACH ROW EXECUTE FUNCTION public.categories_two_levels();

CREATE TRIGGER departments_config_version AFTER INSERT OR DELETE OR UPDATE ON public.departments FOR EACH ROW EXECUTE FUNCTION public.config_versions_bump();

CREATE TRIGGER events_append_only BEFORE UPDATE ON public.events FOR EACH ROW EXECUTE FUNCTION public.events_append_only();

CREATE TRIGGER jobs_updated_at BEFORE UPDATE ON public.jobs FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TRIGGER memberships_keep_the_demo_apart BEFORE INSERT OR UPDATE OF user_id, org_id ON public.memberships FOR EACH ROW EXECUTE FUNCTION public.memberships_keep_the_demo_apart();

CREATE TRIGGER memberships_page_version_delete AFTER DELETE ON public.memberships REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.page_versions_bump();

CREATE TRIGGER memberships_page_version_insert AFTER INSERT ON public.memberships REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.page_versions_bump();

CREATE TRIGGER memberships_page_version_update AFTER UPDATE ON public.memberships REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.page_versions_bump();

CREATE TRIGGER memberships_take_the_address BEFORE INSERT OR UPDATE OF user_id, email ON public.memberships FOR EACH ROW EXECUTE FUNCTION public.memberships_take_the_address();

CREATE TRIGGER memberships_updated_at BEFORE UPDATE ON public.memberships FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TRIGGER organizations_config_version AFTER UPDATE ON public.organizations FOR EACH ROW WHEN ((new.sla_pause_statuses IS DISTINCT FROM old.sla_pause_statuses)) EXECUTE FUNCTION public.organizations_config_version_bump();

CREATE TRIGGER organizations_updated_at BEFORE UPDATE ON public.organizations FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TRIGGER record_links_ends_exist BEFORE INSERT OR UPDATE ON public.record_links FOR EACH ROW EXECUTE FUNCTION public.record_links_ends_exist();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.api_tokens FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.attachments FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.business_calendars FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.categories FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.config_versions FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.departments FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.events FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.inbound_messages FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.invitations FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.jobs FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.mail_aliases FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.memberships FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.notifications FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.organizations FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.outbound_messages FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.page_versions FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.record_counters FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.record_links FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.sla_escalations FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.sla_policies FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.stripe_events FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.ticket_mail_ids FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.ticket_messages FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.ticket_participants FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER refuse_writes_when_read_only BEFORE INSERT OR DELETE OR UPDATE ON public.tickets FOR EACH STATEMENT WHEN (((current_setting('app.billing'::text, true) = 'on'::text) AND (current_setting('app.write_state'::text, true) IS DISTINCT FROM 'writable'::text))) EXECUTE FUNCTION public.fd_refuse_writes_when_read_only();

CREATE TRIGGER sla_policies_config_version AFTER INSERT OR DELETE OR UPDATE ON public.sla_policies FOR EACH ROW EXECUTE FUNCTION public.config_versions_bump();

CREATE TRIGGER sla_policies_updated_at BEFORE UPDATE ON public.sla_policies FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TRIGGER ticket_links_go_with_them AFTER DELETE ON public.tickets REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION public.record_links_go_with_their_records('ticket');

CREATE TRIGGER ticket_numbers_page_version_first BEFORE INSERT ON public.record_counters FOR EACH ROW WHEN ((new.kind = ANY (ARRAY['incident'::text, 'service_request'::text]))) EXECUTE FUNCTION public.ticket_numbers_page_version_first();

CREATE TRIGGER tickets_page_version_delete AFTER DELETE ON public.tickets REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.page_versions_bump();

CREATE TRIGGER tickets_page_version_insert AFTER INSERT ON public.tickets REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.page_versions_bump();

CREATE TRIGGER tickets_page_version_update AFTER UPDATE ON public.tickets REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.page_versions_bump();

CREATE TRIGGER tickets_updated_at BEFORE UPDATE ON public.tickets FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TRIGGER users_address_to_memberships AFTER UPDATE OF email ON public.users FOR EACH ROW WHEN ((old.email IS DISTINCT FROM new.email)) EXECUTE FUNCTION public.users_address_to_memberships();

CREATE TRIGGER users_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_org_id_user_id_fkey FOREIGN KEY (org_id, user_id) REFERENCES public.memberships(org_id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_org_id_message_id_fkey FOREIGN KEY (org_id, message_id) REFERENCES public.ticket_messages(org_id, id) ON DELETE CASCADE;

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_org_id_ticket_id_fkey FOREIGN KEY (org_id, ticket_id) REFERENCES public.tickets(org_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.business_calendars
    ADD CONSTRAINT business_calendars_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT categories_org_id_department_id_fkey FOREIGN KEY (org_id, department_id) REFERENCES public.departments(org_id, id) ON DELETE CASCADE;

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT categories_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT categories_org_id_parent_id_fkey FOREIGN KEY (org_id, parent_id) REFERENCES public.categories(org_id, id) ON DELETE CASCADE;

ALTER TABLE ONLY public.departments
    ADD CONSTRAINT departments_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.email_links
    ADD CONSTRAINT email_links_about_org_id_fkey FOREIGN KEY (about_org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.email_links
    ADD CONSTRAINT email_links_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.inbound_messages
    ADD CONSTRAINT inbound_messages_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.inbound_messages
    ADD CONSTRAINT inbound_messages_org_id_ticket_id_fkey FOREIGN KEY (org_id, ticket_id) REFERENCES public.tickets(org_id, id) ON DELETE SET NULL (ticket_id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_org_id_user_id_fkey FOREIGN KEY (org_id, user_id) REFERENCES public.memberships(org_id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.mail_aliases
    ADD CONSTRAINT mail_aliases_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_org_id_ticket_id_fkey FOREIGN KEY (org_id, ticket_id) REFERENCES public.tickets(org_id, id) ON DELETE CASCADE;

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_org_id_user_id_fkey FOREIGN KEY (org_id, user_id) REFERENCES public.memberships(org_id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.outbound_messages
    ADD CONSTRAINT outbound_messages_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.outbound_messages
    ADD CONSTRAINT outbound_messages_org_id_ticket_id_fkey FOREIGN KEY (org_id, ticket_id) REFERENCES public.tickets(org_id, id) ON DELETE CASCADE;

ALTER TABLE ONLY public.record_counters
    ADD CONSTRAINT record_counters_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.record_links
    ADD CONSTRAINT record_links_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.sla_escalations
    ADD CONSTRAINT sla_escalations_org_id_ticket_id_fkey FOREIGN KEY (org_id, ticket_id) REFERENCES public.tickets(org_id, id) ON DELETE CASCADE;

ALTER TABLE ONLY public.sla_policies
    ADD CONSTRAINT sla_policies_calendar_fkey FOREIGN KEY (org_id, calendar_id) REFERENCES public.business_calendars(org_id, id);

ALTER TABLE ONLY public.sla_policies
    ADD CONSTRAINT sla_policies_org_id_department_id_fkey FOREIGN KEY (org_id, department_id) REFERENCES public.departments(org_id, id) ON DELETE CASCADE;

ALTER TABLE ONLY public.sla_policies
    ADD CONSTRAINT sla_policies_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.stripe_events
    ADD CONSTRAINT stripe_events_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.ticket_mail_ids
    ADD CONSTRAINT ticket_mail_ids_org_id_ticket_id_fkey FOREIGN KEY (org_id, ticket_id) REFERENCES public.tickets(org_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.ticket_messages
    ADD CONSTRAINT ticket_messages_org_id_author_id_fkey FOREIGN KEY (org_id, author_id) REFERENCES public.memberships(org_id, user_id) ON DELETE SET NULL (author_id);

ALTER TABLE ONLY public.ticket_messages
    ADD CONSTRAINT ticket_messages_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.ticket_messages
    ADD CONSTRAINT ticket_messages_org_id_ticket_id_fkey FOREIGN KEY (org_id, ticket_id) REFERENCES public.tickets(org_id, id) ON DELETE CASCADE;

ALTER TABLE ONLY public.ticket_participants
    ADD CONSTRAINT ticket_participants_org_id_ticket_id_fkey FOREIGN KEY (org_id, ticket_id) REFERENCES public.tickets(org_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE ONLY public.ticket_participants
    ADD CONSTRAINT ticket_participants_org_id_user_id_fkey FOREIGN KEY (org_id, user_id) REFERENCES public.memberships(org_id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_follow_up_fk FOREIGN KEY (org_id, follow_up_of) REFERENCES public.tickets(org_id, id) ON DELETE SET NULL (follow_up_of);

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_org_id_assignee_id_fkey FOREIGN KEY (org_id, assignee_id) REFERENCES public.memberships(org_id, user_id) ON DELETE SET NULL (assignee_id);

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_org_id_category_id_fkey FOREIGN KEY (org_id, category_id) REFERENCES public.categories(org_id, id) ON DELETE SET NULL (category_id);

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_org_id_department_id_fkey FOREIGN KEY (org_id, department_id) REFERENCES public.departments(org_id, id);

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_org_id_requester_id_fkey FOREIGN KEY (org_id, requester_id) REFERENCES public.memberships(org_id, user_id) ON DELETE SET NULL (requester_id);

CREATE POLICY aliases_for_staff ON public.mail_aliases AS RESTRICTIVE USING (public.fd_is_staff());

ALTER TABLE public.api_tokens ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.attachments ENABLE ROW LEVEL SECURITY;

CREATE POLICY attachments_follow_tickets ON public.attachments AS RESTRICTIVE USING ((public.fd_is_staff() OR ((EXISTS ( SELECT 1
   FROM public.tickets t
  WHERE ((t.org_id = attachments.org_id) AND (t.id = attachments.ticket_id)))) AND ((message_id IS NULL) OR (EXISTS ( SELECT 1
   FROM public.ticket_messages m
  WHERE ((m.org_id = attachments.org_id) AND (m.id = attachments.message_id))))))));

ALTER TABLE public.business_calendars ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.categories ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.config_versions ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.departments ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.email_links ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.events ENABLE ROW LEVEL SECURITY;

CREATE POLICY events_for_staff ON public.events AS RESTRICTIVE FOR SELECT USING ((public.fd_role() = ANY (ARRAY['owner'::text, 'admin'::text, 'agent'::text, 'stakeholder'::text, 'system'::text])));

CREATE POLICY inbound_for_staff ON public.inbound_messages AS RESTRICTIVE USING (public.fd_is_staff());

ALTER TABLE public.inbound_messages ENABLE ROW LEVEL SECURITY;

CREATE POLICY internal_notes_for_staff ON public.ticket_messages AS RESTRICTIVE USING (((NOT internal) OR public.fd_is_staff()));

ALTER TABLE public.invitations ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.jobs ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.mail_aliases ENABLE ROW LEVEL SECURITY;

CREATE POLICY mail_ids_for_staff ON public.ticket_mail_ids AS RESTRICTIVE USING (public.fd_is_staff());

ALTER TABLE public.memberships ENABLE ROW LEVEL SECURITY;

CREATE POLICY messages_follow_tickets ON public.ticket_messages AS RESTRICTIVE USING ((public.fd_is_staff() OR (EXISTS ( SELECT 1
   FROM public.tickets t
  WHERE ((t.org_id = ticket_messages.org_id) AND (t.id = ticket_messages.ticket_id))))));

ALTER TABLE public.notifications ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;

CREATE POLICY outbound_for_staff ON public.outbound_messages AS RESTRICTIVE USING (public.fd_is_staff());

ALTER TABLE public.outbound_messages ENABLE ROW LEVEL SECURITY;

CREATE POLICY own_notifications ON public.notifications AS RESTRICTIVE USING (((public.fd_role() = 'system'::text) OR (user_id = public.fd_user_id())));

ALTER TABLE public.page_versions ENABLE ROW LEVEL SECURITY;

CREATE POLICY participants_follow_tickets ON public.ticket_participants AS RESTRICTIVE USING ((public.fd_is_staff() OR (public.fd_role() = 'stakeholder'::text) OR (user_id = public.fd_user_id())));

ALTER TABLE public.record_counters ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.record_links ENABLE ROW LEVEL SECURITY;

CREATE POLICY requesters_see_own ON public.tickets AS RESTRICTIVE USING (((public.fd_role() = ANY (ARRAY['owner'::text, 'admin'::text, 'agent'::text, 'stakeholder'::text, 'system'::text])) OR ((public.fd_role() = 'requester'::text) AND ((requester_id = public.fd_user_id()) OR (EXISTS ( SELECT 1
   FROM public.ticket_participants p
  WHERE ((p.org_id = tickets.org_id) AND (p.ticket_id = tickets.id) AND (p.user_id = public.fd_user_id()))))))));

CREATE POLICY requesters_see_staff ON public.memberships AS RESTRICTIVE USING (((public.fd_role() = ANY (ARRAY['owner'::text, 'admin'::text, 'agent'::text, 'stakeholder'::text, 'system'::text])) OR (role = ANY (ARRAY['owner'::text, 'admin'::text, 'agent'::text])) OR (user_id = public.fd_user_id())));

ALTER TABLE public.sla_escalations ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.sla_policies ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.stripe_events ENABLE ROW LEVEL SECURITY;

CREATE POLICY stripe_events_for_admins ON public.stripe_events AS RESTRICTIVE USING ((public.fd_role() = ANY (ARRAY['owner'::text, 'admin'::text, 'system'::text])));

CREATE POLICY tenant_isolation ON public.api_tokens USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.attachments USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.business_calendars USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.categories USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.config_versions USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.departments USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.events USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.inbound_messages USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.invitations USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.jobs USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.mail_aliases USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.memberships USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.notifications USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.organizations USING ((id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.outbound_messages USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.page_versions USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.record_counters USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.record_links USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.sla_escalations USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.sla_policies USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.stripe_events USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.ticket_mail_ids USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.ticket_messages USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.ticket_participants USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

CREATE POLICY tenant_isolation ON public.tickets USING ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)) WITH CHECK ((org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid));

ALTER TABLE public.ticket_mail_ids ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.ticket_messages ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.ticket_participants ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.tickets ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;

GRANT USAGE ON SCHEMA public TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.config_versions_bump() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.fd_accept_invitation(p_token_hash bytea, p_name text, p_password_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_accept_invitation(p_token_hash bytea, p_name text, p_password_hash text) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_acknowledgements_since(p_org_id uuid, p_address text, p_since timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_acknowledgements_since(p_org_id uuid, p_address text, p_since timestamp with time zone) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_authenticate_api_token(p_token_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_authenticate_api_token(p_token_hash bytea) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_billing_org_for_stripe(p_customer text, p_org_hint uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_billing_org_for_stripe(p_customer text, p_org_hint uuid) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_billing_trial_reminders_due(p_now timestamp with time zone, p_before timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_billing_trial_reminders_due(p_now timestamp with time zone, p_before timestamp with time zone) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_bump_config_version(p_org_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.fd_bump_page_versions(p_orgs uuid[]) FROM PUBLIC;

GRANT SELECT,INSERT ON TABLE public.jobs TO ferrodesk_runtime;

GRANT UPDATE(status) ON TABLE public.jobs TO ferrodesk_runtime;

GRANT UPDATE(attempts) ON TABLE public.jobs TO ferrodesk_runtime;

GRANT UPDATE(run_at) ON TABLE public.jobs TO ferrodesk_runtime;

GRANT UPDATE(locked_until) ON TABLE public.jobs TO ferrodesk_runtime;

GRANT UPDATE(locked_by) ON TABLE public.jobs TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_claim_jobs(p_worker text, p_limit integer, p_lease interval) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_claim_jobs(p_worker text, p_limit integer, p_lease interval) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_complete_job(p_id uuid, p_worker text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_complete_job(p_id uuid, p_worker text) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_create_ticket(p_user_id uuid, p_role text, p_config_version bigint, p_org_id uuid, p_id uuid, p_kind text, p_subject text, p_description text, p_status text, p_priority smallint, p_impact text, p_urgency text, p_channel text, p_department_id uuid, p_category_id uuid, p_requester_id uuid, p_assignee_id uuid, p_created_by uuid, p_tags text[], p_event_id uuid, p_event_changes jsonb, p_response_due_at timestamp with time zone, p_resolution_due_at timestamp with time zone, p_response_at_risk_at timestamp with time zone, p_resolution_at_risk_at timestamp with time zone, p_sla_paused boolean, p_source_inbound_id uuid, p_follow_up_of uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_create_ticket(p_user_id uuid, p_role text, p_config_version bigint, p_org_id uuid, p_id uuid, p_kind text, p_subject text, p_description text, p_status text, p_priority smallint, p_impact text, p_urgency text, p_channel text, p_department_id uuid, p_category_id uuid, p_requester_id uuid, p_assignee_id uuid, p_created_by uuid, p_tags text[], p_event_id uuid, p_event_changes jsonb, p_response_due_at timestamp with time zone, p_resolution_due_at timestamp with time zone, p_response_at_risk_at timestamp with time zone, p_resolution_at_risk_at timestamp with time zone, p_sla_paused boolean, p_source_inbound_id uuid, p_follow_up_of uuid) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_demo_wipe(p_org_id uuid, p_slug text, p_name text, p_time_zone text, p_as_of timestamp with time zone, p_stale_before timestamp with time zone, p_users jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_demo_wipe(p_org_id uuid, p_slug text, p_name text, p_time_zone text, p_as_of timestamp with time zone, p_stale_before timestamp with time zone, p_users jsonb) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_ensure_person(p_user_id uuid, p_email public.citext) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_ensure_person(p_user_id uuid, p_email public.citext) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_enter(p_org_id uuid, p_user_id uuid, OUT member_role text, OUT config_version bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_enter(p_org_id uuid, p_user_id uuid, OUT member_role text, OUT config_version bigint) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_fail_job(p_id uuid, p_worker text, p_error text, p_retry_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_fail_job(p_id uuid, p_worker text, p_error text, p_retry_at timestamp with time zone) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_guard_read_only(p_table regclass) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.fd_identity(p_user_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_identity(p_user_id uuid) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_insert_tickets(p_tickets public.new_ticket[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_insert_tickets(p_tickets public.new_ticket[]) TO ferrodesk_runtime;
GRANT ALL ON FUNCTION public.fd_insert_tickets(p_tickets public.new_ticket[]) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_intake_acknowledgements(p_org_ids uuid[], p_ids uuid[], p_ticket_ids uuid[], p_source_ids uuid[], p_message_ids text[], p_recipients jsonb, p_mails jsonb[], p_sent boolean[], p_notes text[], p_job_ids uuid[], p_job_kinds text[], p_job_payloads jsonb[], p_job_keys text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_intake_acknowledgements(p_org_ids uuid[], p_ids uuid[], p_ticket_ids uuid[], p_source_ids uuid[], p_message_ids text[], p_recipients jsonb, p_mails jsonb[], p_sent boolean[], p_notes text[], p_job_ids uuid[], p_job_kinds text[], p_job_payloads jsonb[], p_job_keys text[]) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_intake_senders(p_org_ids uuid[], p_new_user_ids uuid[], p_emails text[], p_names text[], p_dedupe_keys text[], p_ack_since timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_intake_senders(p_org_ids uuid[], p_new_user_ids uuid[], p_emails text[], p_names text[], p_dedupe_keys text[], p_ack_since timestamp with time zone) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_intake_tickets(p_org_ids uuid[], p_ids uuid[], p_subjects text[], p_descriptions text[], p_priorities smallint[], p_department_ids uuid[], p_requester_ids uuid[], p_event_ids uuid[], p_event_changes jsonb[], p_response_due timestamp with time zone[], p_resolution_due timestamp with time zone[], p_response_risk timestamp with time zone[], p_resolution_risk timestamp with time zone[], p_paused boolean[], p_reply_tokens text[], p_inbound_ids uuid[], p_mail_froms text[], p_rcpt_tos jsonb, p_peers text[], p_raws bytea[], p_dedupe_keys text[], p_message_ids text[], p_from_addresses text[], p_raw_subjects text[], p_file_ords integer[], p_file_ids uuid[], p_file_names text[], p_file_types text[], p_file_sizes bigint[], p_file_sha256 text[], p_file_content_ids text[], p_file_inline boolean[], p_auths jsonb[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_intake_tickets(p_org_ids uuid[], p_ids uuid[], p_subjects text[], p_descriptions text[], p_priorities smallint[], p_department_ids uuid[], p_requester_ids uuid[], p_event_ids uuid[], p_event_changes jsonb[], p_response_due timestamp with time zone[], p_resolution_due timestamp with time zone[], p_response_risk timestamp with time zone[], p_resolution_risk timestamp with time zone[], p_paused boolean[], p_reply_tokens text[], p_inbound_ids uuid[], p_mail_froms text[], p_rcpt_tos jsonb, p_peers text[], p_raws bytea[], p_dedupe_keys text[], p_message_ids text[], p_from_addresses text[], p_raw_subjects text[], p_file_ords integer[], p_file_ids uuid[], p_file_names text[], p_file_types text[], p_file_sizes bigint[], p_file_sha256 text[], p_file_content_ids text[], p_file_inline boolean[], p_auths jsonb[]) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_invitation_by_token(p_token_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_invitation_by_token(p_token_hash bytea) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_is_staff() FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_is_staff() TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_isolate_tenant_table(p_table regclass) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.fd_link_mail(p_link_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_link_mail(p_link_id uuid) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_link_mail_sent(p_link_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_link_mail_sent(p_link_id uuid) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_login_candidates(p_email public.citext) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_login_candidates(p_email public.citext) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_mail_person(p_org_id uuid, p_new_user_id uuid, p_email public.citext, p_name text, p_dedupe_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_mail_person(p_org_id uuid, p_new_user_id uuid, p_email public.citext, p_name text, p_dedupe_key text) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_new_reply_token() FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_new_reply_token() TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_next_number(p_kind text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_next_number(p_kind text) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_notices_sent(p_worker text, p_jobs uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_notices_sent(p_worker text, p_jobs uuid[]) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_page_version(p_org_id uuid, p_user_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_page_version(p_org_id uuid, p_user_id uuid) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_queue_link_mail(p_link_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.fd_quota_rank(p_org_id uuid, p_created_at timestamp with time zone, p_id uuid, p_cap bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_quota_rank(p_org_id uuid, p_created_at timestamp with time zone, p_id uuid, p_cap bigint) TO ferrodesk_runtime;

GRANT SELECT,UPDATE ON TABLE public.organizations TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_read_only_reason(o public.organizations) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_read_only_reason(o public.organizations) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_record_stripe_event(p_id text, p_type text, p_org uuid, p_payload jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_record_stripe_event(p_id text, p_type text, p_org uuid, p_payload jsonb) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_refuse_writes_when_read_only() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.fd_request_email_change(p_user_id uuid, p_link_id uuid, p_new_email public.citext, p_token_hash bytea, p_expires_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_request_email_change(p_user_id uuid, p_link_id uuid, p_new_email public.citext, p_token_hash bytea, p_expires_at timestamp with time zone) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_request_password_reset(p_link_id uuid, p_email public.citext, p_token_hash bytea, p_expires_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_request_password_reset(p_link_id uuid, p_email public.citext, p_token_hash bytea, p_expires_at timestamp with time zone) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_role() FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_role() TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_route_inbound(p_address public.citext, p_inbound_domain text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_route_inbound(p_address public.citext, p_inbound_domain text) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_set_password(p_user_id uuid, p_password_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_set_password(p_user_id uuid, p_password_hash text) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_sign_up(p_org_id uuid, p_slug text, p_org_name text, p_time_zone text, p_trial_ends_at timestamp with time zone, p_new_user_id uuid, p_email public.citext, p_member_name text, p_password_hash text, p_confirm_link_id uuid, p_confirm_token_hash bytea, p_reset_link_id uuid, p_reset_token_hash bytea, p_link_expires_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_sign_up(p_org_id uuid, p_slug text, p_org_name text, p_time_zone text, p_trial_ends_at timestamp with time zone, p_new_user_id uuid, p_email public.citext, p_member_name text, p_password_hash text, p_confirm_link_id uuid, p_confirm_token_hash bytea, p_reset_link_id uuid, p_reset_token_hash bytea, p_link_expires_at timestamp with time zone) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_sla_sweep(p_now timestamp with time zone, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_sla_sweep(p_now timestamp with time zone, p_limit integer) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_stored_notices(p_worker text, p_jobs uuid[], p_cap bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_stored_notices(p_worker text, p_jobs uuid[], p_cap bigint) TO ferrodesk_worker;

REVOKE ALL ON FUNCTION public.fd_tell_account(p_user_id uuid, p_purpose text, p_email public.citext) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.fd_use_email_link(p_token_hash bytea, p_purpose text, p_password_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_use_email_link(p_token_hash bytea, p_purpose text, p_password_hash text) TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.fd_user_id() FROM PUBLIC;
GRANT ALL ON FUNCTION public.fd_user_id() TO ferrodesk_runtime;

REVOKE ALL ON FUNCTION public.memberships_keep_the_demo_apart() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.memberships_take_the_address() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.organizations_config_version_bump() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.page_versions_bump() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.ticket_numbers_page_version_first() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.users_address_to_memberships() FROM PUBLIC;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.api_tokens TO ferrodesk_runtime;

GRANT SELECT,INSERT ON TABLE public.attachments TO ferrodesk_runtime;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.business_calendars TO ferrodesk_runtime;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.categories TO ferrodesk_runtime;

GRANT SELECT ON TABLE public.config_versions TO ferrodesk_runtime;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.departments TO ferrodesk_runtime;

GRANT SELECT,INSERT ON TABLE public.events TO ferrodesk_runtime;

GRANT SELECT,INSERT,UPDATE ON TABLE public.inbound_messages TO ferrodesk_runtime;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.invitations TO ferrodesk_runtime;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mail_aliases TO ferrodesk_runtime;

GRANT SELECT,INSERT,DELETE ON TABLE public.memberships TO ferrodesk_runtime;

GRANT UPDATE(role) ON TABLE public.memberships TO ferrodesk_runtime;

GRANT UPDATE(status) ON TABLE public.memberships TO ferrodesk_runtime;

GRANT UPDATE(name) ON TABLE public.memberships TO ferrodesk_runtime;

GRANT SELECT,INSERT,UPDATE ON TABLE public.notifications TO ferrodesk_runtime;

GRANT SELECT,INSERT,UPDATE ON TABLE public.outbound_messages TO ferrodesk_runtime;

GRANT SELECT ON TABLE public.page_versions TO ferrodesk_runtime;

GRANT SELECT,INSERT,UPDATE ON TABLE public.record_counters TO ferrodesk_runtime;

GRANT SELECT,INSERT,DELETE ON TABLE public.record_links TO ferrodesk_runtime;

GRANT SELECT ON TABLE public.sla_escalations TO ferrodesk_runtime;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.sla_policies TO ferrodesk_runtime;

GRANT SELECT ON TABLE public.stripe_events TO ferrodesk_runtime;

GRANT UPDATE(processed_at) ON TABLE public.stripe_events TO ferrodesk_runtime;

GRANT SELECT,INSERT ON TABLE public.ticket_mail_ids TO ferrodesk_runtime;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.ticket_messages TO ferrodesk_runtime;

GRANT SELECT,INSERT ON TABLE public.ticket_participants TO ferrodesk_runtime;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.tickets TO ferrodesk_runtime;
