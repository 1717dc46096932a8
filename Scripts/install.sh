#!/usr/bin/env bash
# Installs sandboxd the way the README's "Running under systemd" describes: the binary, the unit, the
# example settings (never over an existing file) and the documentation the unit's Documentation= names.
#
# Usage: Scripts/install.sh [--binary PATH] [--destdir DIR]
#   --binary   the binary to install (default: build it with Scripts/build-release.sh)
#   --destdir  install under DIR instead of / (for packaging, and CI's check)
# Then: edit /etc/sandboxd/sandboxd.env, put the GitHub token or App key in /etc/credstore/ (README),
# and `systemctl daemon-reload && systemctl enable --now sandboxd`.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=""
destdir=""
while [ $# -gt 0 ]; do
    case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --destdir) destdir="${2%/}"; shift 2 ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
done
[ -n "$binary" ] || binary=$(Scripts/build-release.sh)
[ -x "$binary" ] || { echo "install.sh: $binary is not an executable: build it first" >&2; exit 1; }

install -D -m 0755 "$binary" "$destdir/usr/local/bin/sandboxd"
install -D -m 0644 systemd/sandboxd.service "$destdir/etc/systemd/system/sandboxd.service"
install -D -m 0644 README.md "$destdir/usr/local/share/doc/sandboxd/README.md"
install -D -m 0644 docs/behaviour.md "$destdir/usr/local/share/doc/sandboxd/behaviour.md"
if [ -e "$destdir/etc/sandboxd/sandboxd.env" ]; then
    echo "install.sh: kept the existing $destdir/etc/sandboxd/sandboxd.env (the example is in systemd/)" >&2
else
    install -D -m 0644 systemd/sandboxd.env.example "$destdir/etc/sandboxd/sandboxd.env"
fi
install -d -m 0700 "$destdir/etc/credstore"
echo "installed sandboxd $("$destdir/usr/local/bin/sandboxd" --version | awk '{ print $2 }') under ${destdir:-/}" >&2
