-- A new password or a new address is told to the address the account had, so that someone who
-- took it over cannot do so unseen (OWASP ASVS 2.2.3). The notices travel as `email_links` rows
-- without a token: the same job, worker function and "sent once" bookkeeping as the links, but
-- nothing in them proves anything, so they can never be used.

alter table email_links drop constraint email_links_purpose_check;
alter table email_links
    alter column token_hash drop not null,
    add constraint email_links_purpose_check check (purpose in (
        'confirm_email', 'reset_password', 'change_email', 'password_changed', 'email_changed')),
    add constraint email_links_notices_carry_no_token check (
        (purpose in ('password_changed', 'email_changed')) = (token_hash is null));

-- Queues a notice to p_email about a change to the identity's account.
create function fd_tell_account(p_user_id uuid, p_purpose text, p_email citext) returns void
language plpgsql set search_path = public, pg_temp as $$
declare
    v_id uuid := gen_random_uuid();
begin
    insert into email_links (id, user_id, purpose, email, token_hash, expires_at)
    values (v_id, p_user_id, p_purpose, p_email, null, now() + interval '7 days');
    perform fd_queue_link_mail(v_id);
end
$$;
revoke all on function fd_tell_account(uuid, text, citext) from public;

create or replace function fd_use_email_link(p_token_hash bytea, p_purpose text, p_password_hash text)
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

drop function fd_set_password(uuid, text);
create function fd_set_password(p_user_id uuid, p_password_hash text) returns void
language plpgsql security definer set search_path = public, pg_temp as $$
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
revoke all on function fd_set_password(uuid, text) from public;
grant execute on function fd_set_password(uuid, text) to ferrodesk_runtime;

-- The worker: what a link's or a notice's mail needs. `account_email` is the identity's address
-- now (a notice about a change of address names the new one); `created_at` is when it happened.
drop function fd_link_mail(uuid);
create function fd_link_mail(p_link_id uuid)
returns table (purpose text, email citext, org_name text, expires_at timestamptz, used boolean, sent boolean,
               account_email citext, created_at timestamptz)
language sql stable security definer set search_path = public, pg_temp as $$
    select l.purpose, l.email, o.name, l.expires_at, l.used_at is not null, l.sent_at is not null,
           u.email, l.created_at
    from email_links l
    join users u on u.id = l.user_id
    left join organizations o on o.id = l.about_org_id
    where l.id = p_link_id
$$;
revoke all on function fd_link_mail(uuid) from public;
grant execute on function fd_link_mail(uuid) to ferrodesk_worker;
