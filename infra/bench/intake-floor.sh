#!/usr/bin/env bash
# What PostgreSQL needs, at least, for a mailed-in ticket: the rows a message writes (its ticket
# with the event, the raw message, its Message-ID, the acknowledgement and its job, after the
# membership, duplicate and acknowledgement-limit checks), written one message per transaction
# or a batch of messages (across organisations) per transaction with one statement per step.
# No row security and no functions: the floor under any shape of the intake, not the product's
# path (docs/performance.md, "What batching can reach").
#
# Run after `ferrodesk-dev bench-mail`, whose database it samples and writes into:
#   bash infra/bench/intake-floor.sh [sizes, default "1 32 64"]
# Env: ROUNDS (3), SECONDS_EACH (10), CLIENTS (2), DATABASE (ferrodesk_bench_mail), PGHOST, PGUSER.
set -euo pipefail
cd "$(dirname "$0")"
read -r -a sizes <<<"${*:-1 32 64}"
rounds="${ROUNDS:-3}" seconds="${SECONDS_EACH:-10}" clients="${CLIENTS:-2}"
db="${DATABASE:-ferrodesk_bench_mail}"
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}"
# Plans made once per connection, as the product's statements are: left to choose, PostgreSQL
# plans some of these again on every call (its custom plan for a key range looks cheaper).
export PGOPTIONS="${PGOPTIONS:-} -c plan_cache_mode=force_generic_plan"

psql -q -X -v ON_ERROR_STOP=1 -d "$db" -f intake-floor-setup.sql
# Busy CPU of the whole machine in ticks (user, nice, system, irq, softirq), as bench-mail counts it.
busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
hz=$(getconf CLK_TCK)
echo "batch size, messages/s, machine CPU µs a message (${clients} clients, ${seconds} s a run, sizes alternating)"
for round in $(seq "$rounds"); do
    for n in "${sizes[@]}"; do
        before=$(busy)
        result=$(pgbench -n -M prepared -f intake-floor.sql -D n="$n" -c "$clients" -j "$clients" -T "$seconds" "$db" 2>&1)
        after=$(busy)
        tx=$(awk '/number of transactions actually processed/ { split($NF, a, "/"); print a[1] }' <<<"$result")
        failed=$(awk '/number of failed transactions/ { print $5 }' <<<"$result")
        if [[ -z "$tx" || "$tx" == 0 ]]; then
            echo "pgbench failed:" >&2
            echo "$result" >&2
            exit 1
        fi
        awk -v n="$n" -v tx="$tx" -v s="$seconds" -v ticks="$((after - before))" -v hz="$hz" -v r="$round" -v f="${failed:-0}" \
            'BEGIN { m = n * tx; printf "round %d  batch %3d  %6.0f msg/s  %6.0f µs/msg  (%d failed)\n", r, n, m / s, ticks / hz * 1e6 / m, f }'
    done
done
