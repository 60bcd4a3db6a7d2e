#!/usr/bin/env bash
# Rewrites crates/db/schema.sql, the schema that replaying migrations/ makes (pg_dump, normalised
# by the same code that the schema-guard test compares with). Run it after adding a migration and
# commit the file with it.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/lib.sh
ensure_postgres
ensure_nextest
export SQLX_OFFLINE=true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ferrodesk/target}"
FERRODESK_WRITE_SCHEMA=1 cargo nextest run --locked -p ferrodesk-tests --no-fail-fast \
  -E 'test(the_schema_snapshot_is_what_the_migrations_make)'
log "crates/db/schema.sql: $(wc -l < crates/db/schema.sql) lines"
