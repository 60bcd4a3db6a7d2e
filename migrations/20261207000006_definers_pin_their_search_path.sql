-- Every SECURITY DEFINER function pins its search_path (docs/SECURITY.md, "Definer functions"):
-- otherwise a caller who can create objects in a schema on the path, or a temporary table
-- (pg_temp is searched first unless it is named), could have the function, running with its
-- owner's rights, use their object instead of ours. These two named their objects by schema to
-- spare a configuration change per call; the pin costs that change and closes the door for any
-- unqualified name added later. tests/it/schema_guard checks every definer function.
alter function fd_page_version(uuid, uuid) set search_path = pg_catalog, pg_temp;
alter function ticket_counters_page_version_first() set search_path = pg_catalog, pg_temp;
