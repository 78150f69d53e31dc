#!/usr/bin/env bash
# What `cargo check` of a generated crate costs: its peak memory (maximum resident set size) and
# CPU time, checked cold (no incremental state) with its dependencies already built, as a user
# meets it after changing the selection. A measurement, not a test: it takes minutes and, for
# large selections, gigabytes, so CI does not run it.
#
#   tests/check-cost/measure.sh CONFIG.toml
#       the crate a configuration selects (tests/check-cost/five-resources.toml: a typical one)
#   tests/check-cost/measure.sh --everything DOCUMENT [VERSION]
#       everything in a CSDL document; VERSION is the service version segment (Graph's v1.0)
#
# The crate is generated into a scratch folder under /tmp (outside this workspace), which is
# removed at the end unless KEEP=1. Set CARGO_INCREMENTAL=0 to measure without incremental
# compilation (cargo uses it for path dependencies and workspace members), and SERDE=compact to
# generate the everything crate with `serde = "compact"`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

usage() {
    sed -n '7,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
[ $# -ge 1 ] || usage

scratch="$(mktemp -d /tmp/odata-codegen-check-cost.XXXXXX)"
cleanup() { [ "${KEEP:-0}" = 1 ] && echo "kept $scratch" >&2 || rm -rf "$scratch"; }
trap cleanup EXIT

echo "== building the generator" >&2
cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml" -p odata-codegen --bin odata-codegen --example everything_config
generator="$root/target/release/odata-codegen"

if [ "$1" = "--everything" ]; then
    [ $# -ge 2 ] || usage
    document="$(realpath "$2")"
    "$root/target/release/examples/everything_config" "$document" "$scratch/crate" "${3:-}" > "$scratch/everything.toml"
    if [ -n "${SERDE:-}" ]; then
        sed -i "s/^\[crate\]\$/[crate]\nserde = \"$SERDE\"/" "$scratch/everything.toml"
    fi
    config="$scratch/everything.toml"
else
    if [ -n "${SERDE:-}" ]; then
        echo "error: SERDE applies to --everything; set \`serde\` under [crate] in $1 instead" >&2
        exit 2
    fi
    config="$(realpath "$1")"
fi

echo "== generating" >&2
# `--out`: the measurement never writes where the configuration points, nor its lock.
if ! "$generator" generate --config "$config" --out "$scratch/crate" > "$scratch/generate.log" 2>&1; then
    cat "$scratch/generate.log" >&2
    exit 1
fi
grep '^wrote ' "$scratch/generate.log"
crate="$scratch/crate"
export CARGO_TARGET_DIR="$scratch/target"

echo "== building its dependencies (a copy of its manifest with an empty library)" >&2
mkdir -p "$scratch/deps/src"
sed 's/^name = "\(.*\)"$/name = "\1-dependencies"/' "$crate/Cargo.toml" > "$scratch/deps/Cargo.toml"
: > "$scratch/deps/src/lib.rs"
(cd "$scratch/deps" && cargo check --quiet)
cp "$scratch/deps/Cargo.lock" "$crate/Cargo.lock"

echo "== cargo check of the generated crate" >&2
lines=$(cat "$crate"/src/*.rs | wc -l)
(cd "$crate" && /usr/bin/time -v cargo check --offline --quiet) 2> "$scratch/time.log" || {
    cat "$scratch/time.log" >&2
    exit 1
}
peak_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$scratch/time.log")
user=$(awk -F': ' '/User time/ {print $2}' "$scratch/time.log")
system=$(awk -F': ' '/System time/ {print $2}' "$scratch/time.log")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$scratch/time.log")
awk -v kib="$peak_kib" -v user="$user" -v sys="$system" -v wall="$wall" -v lines="$lines" 'BEGIN {
    printf "lines of Rust: %d\npeak memory: %d KiB = %.2f GB\nCPU: %.1f s (user %.1f, system %.1f)\nwall clock: %s\n",
        lines, kib, kib * 1024 / 1e9, user + sys, user, sys, wall
}'
