#!/usr/bin/env bash
# Runs the libFuzzer targets built by Fuzz/build.sh (docs/RELIABILITY.md, "Fuzzing"), SECONDS in all, split evenly,
# from the committed seed corpus Fuzz/corpus/<target>/ (new inputs go to a scratch copy, never into it). Fails on a
# crash, a hang (an input over 5 s), a leak or memory growth (over 1 GiB); the input is kept in .build/fuzz/artifacts/.
#
# Usage: Fuzz/run.sh SECONDS [TARGET...]   (default: every target)
set -euo pipefail
cd "$(dirname "$0")/.."

total=${1:?usage: Fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(desired-state duration journal link-header aws-error ini)
out=${SANDBOXD_FUZZ_BUILD:-.build/fuzz}
each=$((total / ${#targets[@]}))
[ "$each" -ge 1 ] || each=1
mkdir -p "$out/artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch" /dev/shm/sandboxd-fuzz-journal-* 2>/dev/null || true' EXIT

status=0
for name in "${targets[@]}"; do
    mkdir -p "$scratch/$name"
    # LeakSanitizer checks every input that allocated more than it freed (libFuzzer's default).
    if ! "$out/fuzz-$name" -max_total_time="$each" -timeout=5 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$out/artifacts/$name-" \
        "$scratch/$name" "Fuzz/corpus/$name" >"$scratch/$name.log" 2>&1; then
        status=1
        tail -n 40 "$scratch/$name.log"
    fi
    echo "fuzz $name: $(grep -E '^#[0-9]+' "$scratch/$name.log" | tail -n 1)"
done
exit "$status"
