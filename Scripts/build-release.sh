#!/usr/bin/env bash
# Builds the release binary with the Swift runtime linked in (--static-swift-stdlib), so it runs on a
# machine without the Swift toolchain: `ldd` then lists only the C library, libstdc++ and libcurl
# (which FoundationNetworking's HTTP client uses) with their usual companions.
#
# Usage: Scripts/build-release.sh        → prints the binary's path (.build/release/sandboxd)
set -euo pipefail
cd "$(dirname "$0")/.."

# The static FoundationNetworking asks the linker for -lcurl, which needs the development symlink
# libcurl.so (Debian: libcurl4-openssl-dev). Without it, point the linker at the runtime library
# libcurl.so.4 (Debian: libcurl4) through a private symlink: nothing is installed system-wide.
link_flags=()
if ! ldconfig -p 2>/dev/null | grep -q 'libcurl\.so '; then
    runtime=$(ldconfig -p 2>/dev/null | awk '/libcurl\.so\.4 / { print $NF; exit }')
    if [ -z "$runtime" ]; then
        echo "build-release: libcurl.so.4 is not installed; install it (Debian: apt-get install libcurl4)" >&2
        exit 1
    fi
    shim=.build/link-shim
    mkdir -p "$shim"
    ln -sf "$runtime" "$shim/libcurl.so"
    link_flags=(-Xlinker "-L$PWD/$shim")
fi

swift build -c release --static-swift-stdlib --product sandboxd "${link_flags[@]}" >&2
echo "$PWD/.build/release/sandboxd"
