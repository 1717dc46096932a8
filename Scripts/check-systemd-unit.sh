#!/usr/bin/env bash
# Checks systemd/sandboxd.service: `systemd-analyze verify` must print nothing (it exits 0 even on
# some errors, e.g. an unknown Type=), and `systemd-analyze security` must rate it 1.1 or better.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "check-systemd-unit: installing systemd for systemd-analyze"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd) >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# verify needs an ExecStart that exists and an EnvironmentFile it may skip.
sed -e 's#^ExecStart=/usr/local/bin/sandboxd#ExecStart=/bin/true#' \
    -e 's#^EnvironmentFile=/#EnvironmentFile=-/#' systemd/sandboxd.service >"$work/sandboxd.service"
if ! systemd-analyze verify "$work/sandboxd.service" >"$work/verify.log" 2>&1 || [ -s "$work/verify.log" ]; then
    echo "systemd-analyze verify found problems in systemd/sandboxd.service:"
    cat "$work/verify.log"
    exit 1
fi
systemd-analyze security --offline=yes --threshold=11 systemd/sandboxd.service | tail -n 1
echo "systemd/sandboxd.service: verified, exposure within 1.1"
