-- Two locks serialise an organisation's new tickets until their transactions end: its number
-- counter (`ticket_counters`, taken by the ticket's insert) and its page version (`page_versions`,
-- taken by the triggers of …11_page_versions whenever tickets, categories or memberships
-- change). They were taken in either order: a known sender's mail took the counter, then the
-- page version when its ticket's statement ended; a new sender's mail took the page version first,
-- when its membership was added, then the counter. Two such transactions in one organisation
-- deadlocked, PostgreSQL found it only after `deadlock_timeout` (1 s), and the loser's message
-- went to the retry job: a burst of mail to one organisation ran at 8–15 messages/s
-- (docs/ARCHITECTURE.md §Email, "One organisation's burst").
--
-- Now the page version is always taken first: before a counter row is inserted or updated (a
-- BEFORE INSERT trigger fires before INSERT … ON CONFLICT locks the conflicting row), the
-- organisation's page-version row is locked, or made when it does not exist yet. Nothing takes
-- the page version after the counter any more, since a transaction holds both to its end.
--
-- A definer, because the runtime role may not touch page versions; it acts only on the row of
-- the organisation whose counter row the caller may write, which row security has checked. It
-- runs once per new ticket, so, like fd_page_version, it names its objects by schema instead of
-- carrying a search_path of its own, which would cost a configuration change on every call.
create function ticket_counters_page_version_first() returns trigger language plpgsql security definer as $$
begin
    perform 1 from public.page_versions where org_id operator(pg_catalog.=) new.org_id for no key update;
    if not found then
        perform public.fd_bump_page_versions(array[new.org_id]);
    end if;
    return new;
end
$$;
revoke all on function ticket_counters_page_version_first() from public;

create trigger ticket_counters_page_version_first before insert on ticket_counters
    for each row execute function ticket_counters_page_version_first();
