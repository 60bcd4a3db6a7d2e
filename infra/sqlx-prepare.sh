#!/usr/bin/env bash
# Refreshes .sqlx/ (the query data that lets builds check SQL without a database): migrates a
# scratch database and recompiles every crate with query macros against it.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/lib.sh
ensure_postgres
scratch="${SQLX_SCRATCH_DB:-fd_scratch}"  # one per worktree when several work at once
# Plain psql rather than `ferrodesk migrate`: the CLI itself needs this query data to compile.
# The macros only need the schema; the roles are the ones `ferrodesk bootstrap` creates.
psql -q -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 <<SQL
do \$\$ begin
  if not exists (select 1 from pg_roles where rolname = 'ferrodesk_runtime') then
    create role ferrodesk_runtime nologin;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'ferrodesk_worker') then
    create role ferrodesk_worker nologin;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'ferrodesk_owner') then
    create role ferrodesk_owner login bypassrls password 'ferrodesk_owner';
  end if;
end \$\$;
drop database if exists $scratch with (force);
create database $scratch owner ferrodesk_owner;
SQL
for migration in migrations/*.sql; do
  psql -q -h 127.0.0.1 -U ferrodesk_owner -d "$scratch" -v ON_ERROR_STOP=1 -f "$migration"
done
rm -rf .sqlx && mkdir .sqlx
export SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$PWD/.sqlx"
export DATABASE_URL="postgres://ferrodesk_owner:ferrodesk_owner@127.0.0.1:5432/$scratch"
touch crates/db/src/lib.rs crates/jobs/src/lib.rs
cargo build -q --locked --workspace --all-targets
log "$(ls .sqlx | wc -l) queries recorded in .sqlx/"
