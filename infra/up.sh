#!/usr/bin/env bash
# Brings the whole product up locally: PostgreSQL and Redis (installed from Debian's packages if
# absent), roles and database, migrations, then the gateway and the worker in the background.
# Usage: bash infra/up.sh          start (or restart) everything and print where to open it
#        bash infra/up.sh stop     stop the gateway and the worker (and the fake Stripe)
#        PROFILE=release bash infra/up.sh   optimised build (slower to compile)
#        FAKE_STRIPE=1 bash infra/up.sh     billing on, against a local fake Stripe (README §Billing)
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/lib.sh

run_dir=var/run
log_dir=var/log
mkdir -p "$run_dir" "$log_dir"

stop() {
  for service in gateway worker fake-stripe; do
    local pidfile="$run_dir/$service.pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "stopping $service"
      kill "$(cat "$pidfile")" || true
      for _ in $(seq 1 50); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
  done
}

if [ "${1:-}" = "stop" ]; then
  stop
  exit 0
fi

[ -f .env ] || { cp .env.example .env; log "created .env from .env.example"; }
# A .env made before the worker had a login of its own gets the example's.
if ! grep -q '^WORKER_DATABASE_URL=' .env; then
  grep '^WORKER_DATABASE_URL=' .env.example >>.env
  log "added WORKER_DATABASE_URL to .env from .env.example"
fi
# This machine is a developer's: the example is production's, so the overrides come last (a later
# line wins when .env is sourced). A .env that has them already keeps its own, and its secret.
if ! grep -q '^# --- This machine' .env; then
  secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
  cat >>.env <<EOF

# --- This machine (written by infra/up.sh: a developer's, not production) -----------------------
FERRODESK_ENV=development
SECRET_KEY=$secret
PUBLIC_URL=http://localhost:8080
GRAPHIQL=true
DEMO=on
EOF
  log "added this machine's development settings to .env (a random SECRET_KEY among them)"
fi
set -a
# shellcheck disable=SC1091
source .env
set +a

# Billing against the fake Stripe (`ferrodesk-dev fake-stripe`): test-mode values, no real account.
if [ "${FAKE_STRIPE:-}" = "1" ]; then
  export BILLING=stripe
  export STRIPE_API_BASE="http://${FAKE_STRIPE_ADDR:-127.0.0.1:12111}"
  export STRIPE_SECRET_KEY="${STRIPE_SECRET_KEY:-sk_test_fake}"
  export STRIPE_WEBHOOK_SECRET="${STRIPE_WEBHOOK_SECRET:-whsec_fake_local}"
  export STRIPE_PRICE_ID="${STRIPE_PRICE_ID:-price_fake_monthly}"
  export STRIPE_PRICE_ID_YEARLY="${STRIPE_PRICE_ID_YEARLY:-price_fake_yearly}"
fi

ensure_postgres
ensure_redis

profile="${PROFILE:-debug}"
export SQLX_OFFLINE=true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ferrodesk/target}"
log "building ($profile)"
packages=(-p ferrodesk-gateway -p ferrodesk-worker -p ferrodesk-ctl)
[ "${FAKE_STRIPE:-}" = "1" ] && packages+=(-p ferrodesk-devtools)
if [ "$profile" = "release" ]; then
  cargo build --locked --release "${packages[@]}"
else
  cargo build --locked "${packages[@]}"
fi
bin="$CARGO_TARGET_DIR/$profile"

# The web app (web/dist), served by the gateway. Without npm the API still comes up.
if command -v npm >/dev/null; then
  log "building the web app"
  (cd web && npm ci --no-audit --no-fund && npm run build)
else
  log "npm not found: skipping the web app (install Node.js 20.19+ to build it)"
fi

log "database roles, database and migrations"
"$bin/ferrodesk" bootstrap
"$bin/ferrodesk" migrate
if [ "${DEMO:-off}" = on ]; then
  log "the demo organisation (pristine dataset)"
  "$bin/ferrodesk" demo reset
fi

stop
if [ "${FAKE_STRIPE:-}" = "1" ]; then
  log "starting the fake Stripe on ${STRIPE_API_BASE}"
  nohup "$bin/ferrodesk-dev" fake-stripe --addr "${FAKE_STRIPE_ADDR:-127.0.0.1:12111}" \
    --webhook-url "http://${HTTP_ADDR:-127.0.0.1:8080}/webhooks/stripe" >>"$log_dir/fake-stripe.log" 2>&1 &
  echo $! >"$run_dir/fake-stripe.pid"
fi
log "starting the gateway and the worker (logs in $log_dir/)"
nohup "$bin/ferrodesk-gateway" >>"$log_dir/gateway.log" 2>&1 &
echo $! >"$run_dir/gateway.pid"
nohup "$bin/ferrodesk-worker" >>"$log_dir/worker.log" 2>&1 &
echo $! >"$run_dir/worker.pid"

addr="${HTTP_ADDR:-127.0.0.1:8080}"
for _ in $(seq 1 60); do
  if curl -fsS "http://$addr/readyz" >/dev/null 2>&1; then
    url="${PUBLIC_URL:-http://$addr}"
    printf '\nFerrodesk is running.\n  App and API:  %s\n  Demo:         %s/demo\n  GraphiQL:     %s/graphql\n  Health:       %s/readyz\n  Logs:         %s/\n  Stop:         bash infra/up.sh stop\n' \
      "$url" "$url" "$url" "$url" "$log_dir"
    exit 0
  fi
  if ! kill -0 "$(cat "$run_dir/gateway.pid")" 2>/dev/null; then
    echo "the gateway exited; last lines of $log_dir/gateway.log:" >&2
    tail -n 20 "$log_dir/gateway.log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "the gateway did not become ready; see $log_dir/gateway.log" >&2
exit 1
