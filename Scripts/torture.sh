#!/usr/bin/env bash
# The whole-process crash torture (docs/RELIABILITY.md, "Crash torture"): the built `sandboxd run` SIGKILLed at
# seeded random moments against the loopback Service Catalog and GitHub fakes, then checked. Two runs: a plain one,
# and one with faults (throttling, 5xx, dropped and slow answers, a full disk); and, with moto, the HA run.
# Exits 1 on any violation.
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
# High availability (docs/behaviour.md §12): two replicas against moto's DynamoDB (.ci/run starts it), the leader
# SIGKILLed or SIGSTOPped 20 times (about 2 minutes; docs/BENCHMARKS.md has the 100-failure run).
if [ -n "${SANDBOXD_TEST_MOTO_URL:-}" ]; then
    "$bin/sandboxd-torture" --seed "$((seed + 2))" --kills 20 --ha "$SANDBOXD_TEST_MOTO_URL" || status=1
else
    echo "torture: SANDBOXD_TEST_MOTO_URL is not set: the HA run is skipped (start moto as .ci/run does)" >&2
fi
exit "$status"
