-- Identity (docs/SECURITY.md §Identity): a person is one global identity per address, and a
-- credential is set for an address only by someone who proved they read that mailbox.
--
-- 1. What an organisation calls a person is its own: the display name (and a copy of the address,
--    kept in step with the identity) live on the membership. No organisation reads or writes the
--    global `users` row any more; only the `fd_*` functions below do.
-- 2. `users.email_verified_at`: set only by a mailed link that came back (confirming a sign-up,
--    accepting an invitation, resetting a password, changing the address). A password logs in
--    only once the address is confirmed.
-- 3. `email_links`: the single-use, expiring links mailed to an address. Only the SHA-256 of a
--    link's token is stored; the token itself is derived from a server secret and the link's id
--    (ferrodesk_core::auth::links), so the worker can put it in the mail and nobody who reads the
--    database can.
-- 4. The public demo's people (`users.demo`) belong to the demo alone, and nobody else ever joins
--    it: enforced on every membership, so no tenant's action can tie a demo person to a real
--    organisation (which would break the nightly reset) or a real person to the demo.

-- 1. Names per membership --------------------------------------------------------------------

alter table memberships add column name text, add column email citext;
update memberships m set name = u.name, email = u.email from users u where u.id = m.user_id;
alter table memberships
    alter column name set not null,
    alter column email set not null,
    add constraint memberships_name_check check (length(btrim(name)) between 1 and 120);
create index memberships_org_email_idx on memberships (org_id, email);

-- The address is the identity's: a membership takes it from there, whatever its writer says.
create function memberships_take_the_address() returns trigger language plpgsql security definer
set search_path = public, pg_temp as $$
begin
    new.email := (select u.email from users u where u.id = new.user_id);
    return new;
end
$$;
revoke all on function memberships_take_the_address() from public;
create trigger memberships_take_the_address before insert or update of user_id, email on memberships
    for each row execute function memberships_take_the_address();

create function users_address_to_memberships() returns trigger language plpgsql security definer
set search_path = public, pg_temp as $$
begin
    update memberships set email = new.email where user_id = new.id;
    return null;
end
$$;
revoke all on function users_address_to_memberships() from public;
create trigger users_address_to_memberships after update of email on users
    for each row when (old.email is distinct from new.email)
    execute function users_address_to_memberships();

-- A membership's name and address change the pages it appears on (their own triggers bump the
-- page version); the identity's row no longer shows on any page.
drop trigger users_page_version on users;
drop function users_page_version_bump();

-- 2 and 4. The identity: no name, a confirmation, and whether it is the demo's ----------------

alter table users
    drop column name,
    add column email_verified_at timestamptz,
    add column demo boolean not null default false;
-- Passwords set before mailbox proof existed were chosen by the people who log in with them
-- today; they stay usable (docs/SECURITY.md, "Upgrading").
update users set email_verified_at = created_at where password_hash is not null;
-- Addresses under the reserved `.invalid` top-level domain (RFC 2606) reach no mailbox: they are
-- the demo's, and only the demo's (its cast and the people its visitors add).
update users set demo = (email like '%.invalid');
alter table users add constraint users_demo_addresses check (demo = (email like '%.invalid'));
-- Memberships that tie a demo identity to a real organisation, or a real one to the demo, could
-- only have been made by abusing invitations; they go, so that the nightly reset works again.
delete from memberships m using users u, organizations o
where u.id = m.user_id and o.id = m.org_id and u.demo <> o.is_demo;

drop policy visible_through_membership on users;
drop policy update_self on users;
revoke all on users from ferrodesk_runtime;
-- Only these columns change after an insert; the address and password only through the
-- functions below.
revoke update on memberships from ferrodesk_runtime;
grant update (role, status, name) on memberships to ferrodesk_runtime;

create function memberships_keep_the_demo_apart() returns trigger language plpgsql security definer
set search_path = public, pg_temp as $$
begin
    if (select u.demo from users u where u.id = new.user_id)
       is distinct from (select o.is_demo from organizations o where o.id = new.org_id) then
        raise exception 'the public demo''s people belong to the demo alone'
            using errcode = '23514', constraint = 'memberships_demo_apart';
    end if;
    return new;
end
$$;
revoke all on function memberships_keep_the_demo_apart() from public;
create trigger memberships_keep_the_demo_apart before insert or update of user_id, org_id on memberships
    for each row execute function memberships_keep_the_demo_apart();

-- 3. Mailed links ----------------------------------------------------------------------------

create table email_links (
    id uuid primary key,
    user_id uuid not null references users (id) on delete cascade,
    purpose text not null check (purpose in ('confirm_email', 'reset_password', 'change_email')),
    -- Where the link was mailed: the identity's address, or the new one for change_email.
    email citext not null,
    -- The organisation the mail speaks of (the one a sign-up created), if any. Not a tenant
    -- column: the link is the person's, whichever organisations they belong to.
    about_org_id uuid references organizations (id) on delete cascade,
    token_hash bytea not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz,
    sent_at timestamptz,
    constraint email_links_token_key unique (token_hash)
);
create index email_links_user_idx on email_links (user_id, purpose) where used_at is null;
alter table email_links enable row level security;
alter table email_links force row level security;
-- No policy and no privileges: only the definer functions read or write it.

-- The job that mails a link. Not an organisation's (org_id null): the worker alone claims it.
create function fd_queue_link_mail(p_link_id uuid) returns void language sql
set search_path = public, pg_temp as $$
    insert into jobs (id, org_id, kind, payload, dedupe_key)
    values (gen_random_uuid(), null, 'account.mail', jsonb_build_object('link_id', p_link_id),
            'link:' || p_link_id::text)
    on conflict do nothing
$$;
revoke all on function fd_queue_link_mail(uuid) from public;

-- The functions that cross identities -----------------------------------------------------------

drop function fd_create_organization(uuid, text, text, text, timestamptz, uuid, citext, text, text);
drop function fd_login_candidates(citext);
drop function fd_ensure_person(uuid, citext, text);
drop function fd_invitation_by_token(bytea);
drop function fd_accept_invitation(bytea, text, text);

-- Sign-up: the organisation and its owner. A new address becomes an identity with the chosen
-- password, usable for this session only until the address is confirmed (p_link: the
-- confirm_email link). An address that is already someone's stays theirs: their password is not
-- touched, they own the new organisation, and the mail tells them so with a reset_password link.
-- The caller cannot tell the two apart (docs/SECURITY.md, "Sign-up reveals nothing").
create function fd_sign_up(
    p_org_id uuid, p_slug text, p_org_name text, p_time_zone text, p_trial_ends_at timestamptz,
    p_new_user_id uuid, p_email citext, p_member_name text, p_password_hash text,
    p_confirm_link_id uuid, p_confirm_token_hash bytea, p_reset_link_id uuid, p_reset_token_hash bytea,
    p_link_expires_at timestamptz
) returns uuid language plpgsql security definer set search_path = public, pg_temp as $$
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

-- Log-in: a confirmed identity's active memberships outside the demo, to check the password
-- and choose the organisation.
create function fd_login_candidates(p_email citext)
returns table (user_id uuid, password_hash text, org_id uuid, org_slug text, role text)
language sql stable security definer set search_path = public, pg_temp as $$
    select u.id, u.password_hash, m.org_id, o.slug, m.role
    from users u
    join memberships m on m.user_id = u.id and m.status = 'active'
    join organizations o on o.id = m.org_id and not o.is_demo
    where u.email = p_email and u.email_verified_at is not null and not u.demo
    order by o.slug
$$;

-- Invitations and tickets on behalf of an address: the identity, found or created without a
-- password (created for the demo when the tenant is the demo). Returns only the id; what the
-- tenant sees of the person is the membership it then creates under its own policies.
create function fd_ensure_person(p_user_id uuid, p_email citext)
returns uuid language plpgsql security definer set search_path = public, pg_temp as $$
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

-- Accepting an invitation: the open invitation a mailed token stands for.
create function fd_invitation_by_token(p_token_hash bytea)
returns table (org_id uuid, user_id uuid, email citext, role text, password_hash text, verified boolean,
               org_slug text)
language sql stable security definer set search_path = public, pg_temp as $$
    select i.org_id, i.user_id, u.email, i.role, u.password_hash, u.email_verified_at is not null, o.slug
    from invitations i
    join users u on u.id = i.user_id
    join organizations o on o.id = i.org_id and not o.is_demo
    join memberships m on m.org_id = i.org_id and m.user_id = i.user_id and m.status = 'invited'
    where i.token_hash = p_token_hash and i.accepted_at is null and i.expires_at > now()
$$;

-- Accepts it: the membership becomes active with the invitation's role, only if it is still
-- invited (a deactivated invitee stays out). The token came by mail, so the address is
-- confirmed; p_password_hash, when given, is the person's new password (the caller passes none
-- when the person proved an existing confirmed password instead). Returns false when the
-- invitation was used, revoked or expired meanwhile.
create function fd_accept_invitation(p_token_hash bytea, p_name text, p_password_hash text)
returns boolean language plpgsql security definer set search_path = public, pg_temp as $$
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

-- A password reset asked for an address. Does something only for a confirmable identity (not
-- the demo's, with an active membership outside the demo); the caller answers the same either
-- way. Links of the same purpose still open are closed: only the newest works.
create function fd_request_password_reset(
    p_link_id uuid, p_email citext, p_token_hash bytea, p_expires_at timestamptz
) returns void language plpgsql security definer set search_path = public, pg_temp as $$
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

-- Uses a mailed link once: marks it used and applies what it proves. Returns the identity, or
-- nothing when the token is unknown, used, expired, of another purpose, or mailed to an address
-- the identity no longer has.
--   confirm_email:  the address is confirmed.
--   reset_password: the address is confirmed and p_password_hash becomes the password.
--   change_email:   the identity takes the new address (the unique key refuses one taken since).
create function fd_use_email_link(p_token_hash bytea, p_purpose text, p_password_hash text)
returns table (user_id uuid, old_email citext, new_email citext)
language plpgsql security definer set search_path = public, pg_temp as $$
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
        where email_links.user_id = v_link.user_id and used_at is null;
    elsif p_purpose = 'reset_password' then
        if p_password_hash is null then
            raise exception 'a password reset needs the new password' using errcode = '22023';
        end if;
        update users set password_hash = p_password_hash, email_verified_at = coalesce(email_verified_at, now())
        where id = v_link.user_id;
    else
        update users set email_verified_at = coalesce(email_verified_at, now()) where id = v_link.user_id;
    end if;
    return query select v_link.user_id, v_old, v_link.email;
end
$$;

-- A signed-in person's own identity: their password hash (to check the current password before a
-- change) and whether the address is confirmed.
create function fd_identity(p_user_id uuid)
returns table (email citext, password_hash text, verified boolean)
language sql stable security definer set search_path = public, pg_temp as $$
    select u.email, u.password_hash, u.email_verified_at is not null from users u where u.id = p_user_id
$$;

-- A new password for a signed-in person who proved the current one (the caller checked it).
create function fd_set_password(p_user_id uuid, p_password_hash text) returns void language sql
security definer set search_path = public, pg_temp as $$
    update users set password_hash = p_password_hash where id = p_user_id and not demo
$$;

-- A change of address asked by a signed-in person who proved their password: the link goes to
-- the new address.
create function fd_request_email_change(
    p_user_id uuid, p_link_id uuid, p_new_email citext, p_token_hash bytea, p_expires_at timestamptz
) returns void language plpgsql security definer set search_path = public, pg_temp as $$
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

-- The worker: what a link's mail needs, and that it went out.
create function fd_link_mail(p_link_id uuid)
returns table (purpose text, email citext, org_name text, expires_at timestamptz, used boolean, sent boolean)
language sql stable security definer set search_path = public, pg_temp as $$
    select l.purpose, l.email, o.name, l.expires_at, l.used_at is not null, l.sent_at is not null
    from email_links l left join organizations o on o.id = l.about_org_id
    where l.id = p_link_id
$$;

create function fd_link_mail_sent(p_link_id uuid) returns void language sql
security definer set search_path = public, pg_temp as $$
    update email_links set sent_at = now() where id = p_link_id and sent_at is null
$$;

do $$
declare
    f text;
begin
    foreach f in array array[
        'fd_sign_up(uuid, text, text, text, timestamptz, uuid, citext, text, text, uuid, bytea, uuid, bytea, timestamptz)',
        'fd_login_candidates(citext)', 'fd_ensure_person(uuid, citext)',
        'fd_invitation_by_token(bytea)', 'fd_accept_invitation(bytea, text, text)',
        'fd_request_password_reset(uuid, citext, bytea, timestamptz)',
        'fd_use_email_link(bytea, text, text)', 'fd_identity(uuid)', 'fd_set_password(uuid, text)',
        'fd_request_email_change(uuid, uuid, citext, bytea, timestamptz)']
    loop
        execute format('revoke all on function %s from public', f);
        execute format('grant execute on function %s to ferrodesk_runtime', f);
    end loop;
    foreach f in array array['fd_link_mail(uuid)', 'fd_link_mail_sent(uuid)'] loop
        execute format('revoke all on function %s from public', f);
        execute format('grant execute on function %s to ferrodesk_worker', f);
    end loop;
end
$$;

-- Functions that wrote or read the identity's name now use the membership's -----------------------

create or replace function fd_mail_person(
    p_org_id uuid, p_new_user_id uuid, p_email citext, p_name text, p_dedupe_key text
) returns table (duplicate boolean, user_id uuid, role text, status text)
language plpgsql as $$
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

create or replace function fd_insert_ticket(
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
    left join memberships r on r.org_id = t.org_id and r.user_id = t.requester_id
    left join memberships a on a.org_id = t.org_id and a.user_id = t.assignee_id;
end
$$;

create or replace function fd_intake_senders(
    p_org_ids uuid[], p_new_user_ids uuid[], p_emails text[], p_names text[], p_dedupe_keys text[],
    p_ack_since timestamptz
) returns table (
    ord integer, duplicate boolean, user_id uuid, role text, status text, acks_sent bigint,
    slug text, name text, is_demo boolean, from_name text, signature text, closed_reply text,
    acknowledge boolean, config_version bigint
) language plpgsql security definer set search_path = public, pg_temp as $$
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

-- The demo's reset: as before, with its people marked as the demo's and without names (their
-- memberships carry them). A cast id can no longer belong to anyone outside the demo (the
-- memberships trigger above), so the check that refused the reset now only documents it.
create or replace function fd_demo_wipe(
    p_org_id uuid, p_slug text, p_name text, p_time_zone text, p_as_of timestamptz,
    p_stale_before timestamptz, p_users jsonb
) returns boolean language plpgsql security definer set search_path = public, pg_temp as $$
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
