#!/usr/bin/env bash
# Fuzzes the inbound mail path (parse, classify, thread hints, trim, sanitise, route by address)
# with cargo fuzz and libFuzzer, starting from the test corpus of tricky messages.
# Usage: bash infra/fuzz.sh [seconds, default 600] [extra libFuzzer arguments]
# A crash leaves its input in crates/mail/fuzz/artifacts/parse_and_route/ and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/lib.sh

seconds="${1:-600}"
shift || true

command -v cargo-fuzz >/dev/null || { log "installing cargo-fuzz"; cargo install --locked cargo-fuzz; }

# libFuzzer's instrumentation needs nightly flags; without a nightly toolchain, stable accepts
# them under RUSTC_BOOTSTRAP (and without a sanitizer, which needs nightly's runtime).
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    fuzz=(cargo +nightly fuzz)
else
    export RUSTC_BOOTSTRAP=1
    fuzz=(cargo fuzz)
    set -- --sanitizer none "$@"
fi

# The fuzz crate is a workspace of its own; starting from the product's lockfile makes it fuzz the
# versions of mail-parser, ammonia and html5ever that ship, not the newest ones.
cp Cargo.lock crates/mail/fuzz/Cargo.lock

corpus=crates/mail/fuzz/corpus/parse_and_route
mkdir -p "$corpus"
cp tests/fixtures/mail/*.eml "$corpus/"

cd crates/mail
log "fuzzing parse_and_route for ${seconds}s"
"${fuzz[@]}" run parse_and_route "$@" "fuzz/corpus/parse_and_route" -- \
    -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1
