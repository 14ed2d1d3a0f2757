#!/usr/bin/env bash
# What one `#[conditional]` handler adds to its crate's compile time (BENCHMARKS.md, "Build
# cost"): a scratch app with 1 and with 41 handlers, under the attribute and plain, built in
# interleaved rounds with its dependencies already compiled; the app crate's own unit time from
# `cargo build --timings`. Usage: bench/compile-time/measure.sh [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
rounds=${1:-3}
# The timings are looked for under the scratch app's own target/.
unset CARGO_TARGET_DIR
app=$(mktemp -d)
trap 'rm -rf "$app"' EXIT
# shellcheck source=app.sh
. "$here/app.sh"
scratch_app "$app" conditional-compile-time yes
cd "$app"
python3 "$here/gen.py" 1 c src/main.rs
CARGO_INCREMENTAL=0 cargo build -q
unit_time() {
    python3 - "$(ls -t target/cargo-timings/cargo-timing-*.html | head -1)" <<'PY'
import json, re, sys
page = open(sys.argv[1]).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);", page, re.S).group(1))
print(next(u["duration"] for u in units if u["name"] == "conditional-compile-time"))
PY
}
echo "round handlers kind seconds"
for round in $(seq "$rounds"); do
    for variant in "1 c" "41 c" "1 p" "41 p"; do
        python3 "$here/gen.py" $variant src/main.rs
        CARGO_INCREMENTAL=0 cargo build -q --timings
        echo "$round $variant $(unit_time)"
    done
done
