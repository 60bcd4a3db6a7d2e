-- Billing (docs/ARCHITECTURE.md §Billing): the Stripe customer and subscription of each
-- organisation, the state Stripe last reported, the grace period after a failed payment, and the
-- Stripe events received (each applied once).
--
-- Read-only is not stored: `ferrodesk_core::billing::access` derives it from these columns and
-- the clock on every read, so it can never go stale (like the SLA breach flags).

alter table organizations
    add column stripe_customer_id text,
    add column stripe_subscription_id text,
    add column billing_interval text check (billing_interval in ('month', 'year')),
    -- Set when a subscription becomes past_due; writes stop after it. Cleared once paid.
    add column grace_ends_at timestamptz,
    add column cancel_at_period_end boolean not null default false,
    -- When the state above was last taken from Stripe.
    add column subscription_synced_at timestamptz,
    -- The "your trial ends soon" mail goes out once.
    add column trial_reminder_sent_at timestamptz,
    add constraint organizations_stripe_customer_key unique (stripe_customer_id);

-- Every Stripe event received, by Stripe's id: a replayed delivery finds its id here and is
-- acknowledged without being applied again. `org_id` is null for an event about a customer we
-- do not know (kept for the operator, never applied).
create table stripe_events (
    id text primary key,
    org_id uuid references organizations (id) on delete cascade,
    type text not null,
    payload jsonb not null,
    received_at timestamptz not null default now(),
    processed_at timestamptz
);
create index stripe_events_org_idx on stripe_events (org_id, received_at);
select fd_isolate_tenant_table('stripe_events');
-- Billing plumbing is for owners, admins and the worker.
create policy stripe_events_for_admins on stripe_events as restrictive
    using (fd_role() in ('owner', 'admin', 'system'));

grant select on stripe_events to ferrodesk_runtime;

-- Billing mail to owners goes through the outbound mail path like everything else.
alter table outbound_messages drop constraint outbound_messages_kind_check;
alter table outbound_messages add constraint outbound_messages_kind_check
    check (kind in ('acknowledgement', 'reply', 'status', 'alias_verification', 'trial_ending', 'payment_failed'));
grant update (processed_at) on stripe_events to ferrodesk_runtime;

-- A Stripe event names a customer (and, for our own Checkout Sessions and subscriptions, the
-- organisation in `client_reference_id` / `metadata.org_id`): which organisation is it about?
-- The hint is trusted only because the caller has verified the event's signature, and only for
-- an organisation without a different customer.
create function fd_billing_org_for_stripe(p_customer text, p_org_hint uuid)
returns uuid language sql stable security definer set search_path = public, pg_temp as $$
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

-- Records a Stripe event once; returns whether it is new. The caller enqueues `billing.apply`
-- for a new event in the same transaction.
create function fd_record_stripe_event(p_id text, p_type text, p_org uuid, p_payload jsonb)
returns boolean language sql security definer set search_path = public, pg_temp as $$
    with added as (
        insert into stripe_events (id, type, org_id, payload, processed_at)
        values (p_id, p_type, p_org, p_payload, case when p_org is null then now() end)
        on conflict (id) do nothing
        returning 1
    )
    select exists (select 1 from added)
$$;

-- Organisations whose own trial (no subscription yet) ends before p_before and who have not been
-- reminded. The worker then marks and mails each in its tenant transaction.
create function fd_billing_trial_reminders_due(p_now timestamptz, p_before timestamptz)
returns table (org_id uuid) language sql stable security definer set search_path = public, pg_temp as $$
    select o.id from organizations o
    where o.subscription_status = 'trialing' and o.stripe_subscription_id is null and not o.is_demo
      and o.trial_reminder_sent_at is null
      and o.trial_ends_at > p_now and o.trial_ends_at <= p_before
    order by o.trial_ends_at
    limit 1000
$$;

do $$
declare
    f text;
begin
    foreach f in array array[
        'fd_billing_org_for_stripe(text, uuid)', 'fd_record_stripe_event(text, text, uuid, jsonb)',
        'fd_billing_trial_reminders_due(timestamptz, timestamptz)']
    loop
        execute format('revoke all on function %s from public', f);
        execute format('grant execute on function %s to ferrodesk_runtime', f);
    end loop;
end
$$;
