#!/usr/bin/env bash
# Runs every test: formatting, lints, and the whole suite against real PostgreSQL and Redis.
# Usage: bash infra/test.sh [extra nextest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/lib.sh

ensure_postgres
ensure_redis
ensure_nextest
ensure_mail_tools

# Builds use the committed query data in .sqlx/ (no database needed to compile), and a target
# directory outside the clone so repeated runs (CI included) reuse compiled dependencies.
export SQLX_OFFLINE=true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ferrodesk/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

log "cargo fmt --check"
cargo fmt --all --check
log "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
log "cargo nextest"
cargo nextest run --workspace --locked --profile ci "$@"
log "web app"
bash infra/web-test.sh
