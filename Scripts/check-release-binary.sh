#!/usr/bin/env bash
# The README's release build runs without the Swift toolchain: it links no Swift library, starts with
# a bare environment (no LD_LIBRARY_PATH), and Scripts/install.sh puts it and its files in place.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=$(Scripts/build-release.sh)
if ldd "$binary" | grep -i 'swift\|libFoundation\|libdispatch\|libBlocksRuntime'; then
    echo "check-release-binary: $binary links the Swift libraries above; build it with Scripts/build-release.sh" >&2
    exit 1
fi
version=$(env -i PATH=/usr/bin:/bin "$binary" --version)
echo "check-release-binary: $version runs with no Swift library ($(ldd "$binary" | wc -l) shared objects)"

destdir=$(mktemp -d)
trap 'rm -rf "$destdir"' EXIT
Scripts/install.sh --binary "$binary" --destdir "$destdir"
for file in usr/local/bin/sandboxd etc/systemd/system/sandboxd.service etc/sandboxd/sandboxd.env \
    usr/local/share/doc/sandboxd/README.md; do
    [ -e "$destdir/$file" ] || { echo "check-release-binary: install.sh did not install /$file" >&2; exit 1; }
done
documentation=$(sed -n 's/^Documentation=file://p' systemd/sandboxd.service)
[ -e "$destdir$documentation" ] || {
    echo "check-release-binary: the unit's Documentation=$documentation is not installed" >&2
    exit 1
}
echo "sentinel" >"$destdir/etc/sandboxd/sandboxd.env"
Scripts/install.sh --binary "$binary" --destdir "$destdir" 2>/dev/null
[ "$(cat "$destdir/etc/sandboxd/sandboxd.env")" = sentinel ] || {
    echo "check-release-binary: install.sh overwrote an existing sandboxd.env" >&2
    exit 1
}
