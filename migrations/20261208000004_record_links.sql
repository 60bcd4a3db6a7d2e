-- Links between records of any kind (a ticket that duplicates another; later a change that a
-- problem caused, an article that answers a ticket, …). Both ends are in the link's organisation
-- and exist while it does: the insert takes a key-share lock on each end's row, as a foreign key
-- would, and a record that goes takes its links with it.

create table record_links (
    org_id uuid not null references organizations(id) on delete cascade,
    id uuid not null,
    source_kind text not null,
    source_id uuid not null,
    target_kind text not null,
    target_id uuid not null,
    relation text not null,
    created_by uuid,
    created_at timestamptz not null default now(),
    primary key (org_id, id),
    constraint record_links_once unique (org_id, source_kind, source_id, target_kind, target_id, relation),
    constraint record_links_not_to_itself check (source_kind <> target_kind or source_id <> target_id),
    -- A numbered module adds its kind here and to fd_lock_record.
    constraint record_links_kind_check check (source_kind in ('ticket') and target_kind in ('ticket')),
    constraint record_links_relation_check check (relation in ('relates_to', 'duplicates', 'caused_by'))
);
create index record_links_target_idx on record_links (org_id, target_kind, target_id);
select fd_isolate_tenant_table('record_links');
grant select, insert, delete on record_links to ferrodesk_runtime;

-- Locks a record of the organisation against deletion until the transaction ends, as a foreign
-- key's check does; false when there is no such record (or the caller may not see it).
create function fd_lock_record(p_org_id uuid, p_kind text, p_id uuid) returns boolean
language plpgsql as $$
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

create function record_links_ends_exist() returns trigger language plpgsql as $$
begin
    if not fd_lock_record(new.org_id, new.source_kind, new.source_id)
       or not fd_lock_record(new.org_id, new.target_kind, new.target_id) then
        raise exception 'a link joins two records of its organisation'
            using errcode = '23503', constraint = 'record_links_ends_exist';
    end if;
    return new;
end
$$;
create trigger record_links_ends_exist before insert or update on record_links
    for each row execute function record_links_ends_exist();

-- Records that go take their links with them (`tg_argv[0]`: their kind), in one statement
-- however many go at once (the demo's nightly wipe).
create function record_links_go_with_their_records() returns trigger language plpgsql as $$
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
create trigger ticket_links_go_with_them after delete on tickets
    referencing old table as gone
    for each statement execute function record_links_go_with_their_records('ticket');
