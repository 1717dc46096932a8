#!/usr/bin/env bash
# The whole-process crash torture (docs/RELIABILITY.md, "Crash torture"): the built `sandboxd run` SIGKILLed at
# seeded random moments against the loopback Service Catalog and GitHub fakes, then checked. Two runs: a plain one,
# and one with faults (throttling, 5xx, dropped and slow answers, a full disk). Exits 1 on any violation.
#
# Usage: Scripts/torture.sh [SEED]   (SANDBOXD_TORTURE_KEEP=1 keeps the scratch directories and daemon logs)
set -euo pipefail
cd "$(dirname "$0")/.."

seed=${1:-20261201}
bin=$(swift build --show-bin-path)
# CI has built both already (swift build --build-tests): build only what is missing.
for product in sandboxd sandboxd-torture; do
    [ -x "$bin/$product" ] || swift build --product "$product" >/dev/null
done

status=0
"$bin/sandboxd-torture" --seed "$seed" --kills 60 || status=1
"$bin/sandboxd-torture" --seed "$((seed + 1))" --kills 50 --faults || status=1
exit "$status"
