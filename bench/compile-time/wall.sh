#!/usr/bin/env bash
# What etag-core adds to a clean debug build by the wall clock (BENCHMARKS.md, "Build cost"):
# one small axum app built with and without etag-core, alternately, each from an empty target/,
# ROUNDS times. Prints one line per build; compare the medians. Run it on an idle machine.
# Usage: bench/compile-time/wall.sh [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
rounds=${1:-9}
unset CARGO_TARGET_DIR
export CARGO_INCREMENTAL=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=app.sh
. "$here/app.sh"
scratch_app "$work/with" build-cost-with yes
scratch_app "$work/without" build-cost-without no
# The same app: one handler returning a derived order under `#[conditional]`, or `Json` of it.
python3 "$here/gen.py" 1 c "$work/with/src/main.rs"
python3 "$here/gen.py" 1 p "$work/without/src/main.rs"
sed -i '/etag_core/d; s/, Versioned)]/)]/; s/#\[etag(id)\] //' "$work/without/src/main.rs"
# Fetch once, outside the timing.
for app in with without; do (cd "$work/$app" && cargo fetch -q); done
echo "round app seconds"
for round in $(seq "$rounds"); do
    for app in without with; do
        cd "$work/$app"
        rm -rf target
        start=$(date +%s.%N)
        cargo build -q --offline
        end=$(date +%s.%N)
        echo "$round $app $(python3 -c "print(f'{$end - $start:.2f}')")"
    done
done
