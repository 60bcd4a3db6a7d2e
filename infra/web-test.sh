#!/usr/bin/env bash
# The web app's checks: the committed GraphQL schema and generated types are current, TypeScript,
# unit tests, the production build and its size budget, then the browser journeys in Debian's
# Chromium against a real gateway, PostgreSQL and Redis. Idempotent; installs what is missing.
# Usage: bash infra/web-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/lib.sh

export SQLX_OFFLINE=true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ferrodesk/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

node_ok() {
  command -v node >/dev/null && node -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1);'
}
if ! node_ok || ! command -v npm >/dev/null; then
  echo "the web app needs Node.js 20.19 or newer with npm (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
[ -x /usr/bin/chromium ] || apt_install chromium
ensure_postgres
ensure_redis

log "building the gateway, the worker and the CLI (debug)"
cargo build --locked -p ferrodesk-gateway -p ferrodesk-worker -p ferrodesk-ctl -p ferrodesk-devtools
bin="$CARGO_TARGET_DIR/debug"

log "web/schema.graphql matches the gateway's schema"
"$bin/ferrodesk" schema >"$scratch/schema.graphql"
if ! diff -u web/schema.graphql "$scratch/schema.graphql"; then
  echo "web/schema.graphql is out of date: cargo run -q -p ferrodesk-ctl -- schema > web/schema.graphql" >&2
  echo "then regenerate the types: (cd web && npm run codegen)" >&2
  exit 1
fi

cd web
# npm ci starts from scratch; skip it while node_modules was installed from this very lock file.
stamp=node_modules/.ferrodesk-lock-sha256
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
  log "npm ci"
  npm ci --no-audit --no-fund
  echo "$lock_sum" >"$stamp"
fi

log "generated GraphQL types (src/gql) are current"
CODEGEN_OUT="$scratch/gql/" npx graphql-codegen --config codegen.ts
if ! diff -ru src/gql "$scratch/gql"; then
  echo "src/gql is out of date: (cd web && npm run codegen)" >&2
  exit 1
fi

log "typecheck"
npx tsc --noEmit -p tsconfig.json
log "unit and component tests (vitest)"
npx vitest run
log "production build"
npx vite build
log "initial JavaScript size"
node scripts/bundle-size.mjs
log "browser journeys (Chromium, real gateway, PostgreSQL, Redis)"
npx vitest run --config vitest.e2e.config.ts
