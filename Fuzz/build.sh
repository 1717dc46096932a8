#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/Targets (docs/RELIABILITY.md, "Fuzzing") into .build/fuzz/.
#
# Each module a target needs is compiled from every Swift file of its Sources/ folder, instrumented for libFuzzer
# (coverage) and AddressSanitizer, unoptimized, and with -enable-testing (the targets reach internal parsers through
# @testable import), so files moving inside a module do not break the build. That takes minutes.
#
# --from-debug-build (CI) instead links the targets against the objects of `swift build` (.build/debug, built with
# -enable-testing): seconds, but only the entry points carry coverage, so libFuzzer replays the committed corpus
# (saved from the instrumented runs) and mutates it without guidance, still failing on a crash, hang or growth.
#
# Usage: Fuzz/build.sh [--from-debug-build] [TARGET...] (default: every target); SANDBOXD_FUZZ_OPTIMIZATION=-O
# optimizes the instrumented modules (faster to run, far slower to build).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${SANDBOXD_FUZZ_BUILD:-.build/fuzz}
mkdir -p "$out"

from_debug_build=false
if [ "${1:-}" = --from-debug-build ]; then
    from_debug_build=true
    shift
fi

optimization=${SANDBOXD_FUZZ_OPTIMIZATION:--Onone}
if $from_debug_build; then optimization=-Onone; fi
# The settings Package.swift gives every target, plus the instrumentation.
flags=(
    -sanitize=fuzzer,address "$optimization" -gline-tables-only -parse-as-library -swift-version 6 -enable-testing -I "$out"
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility
    -enable-upcoming-feature InternalImportsByDefault -enable-upcoming-feature NonisolatedNonsendingByDefault
)

# module NAME: Sources/NAME/**/*.swift to $out/NAME.o and $out/NAME.swiftmodule.
module() {
    local name=$1
    local sources
    mapfile -t sources < <(find "Sources/$name" -name '*.swift' | sort)
    swiftc "${flags[@]}" -module-name "$name" -wmo -c "${sources[@]}" \
        -emit-module -emit-module-path "$out/$name.swiftmodule" -o "$out/$name.o"
}

# pair A B: both at once (two cores); fails when either does.
pair() {
    "${@:1:2}" &
    local first=$!
    "${@:3:2}"
    wait "$first"
}

if $from_debug_build; then
    debug=$(swift build --show-bin-path)
    flags+=(-I "$debug/Modules")
    # objects MODULE: the debug build's objects of MODULE.
    objects() { ls "$debug/$1.build/"*.swift.o; }
else
    # Dependencies first (as in Package.swift).
    pair module SandboxLocking module SandboxCrypto
    module SandboxHTTP
    pair module SandboxFiles module SandboxCore
    pair module SandboxRuntime module SandboxGitHub
    module SandboxAWS
    objects() { echo "$out/$1.o"; }
fi

# target NAME MODULE...: Fuzz/Targets/NAME.swift linked with the modules' objects into $out/fuzz-NAME.
target() {
    local name=$1
    shift
    local linked=()
    for dependency in SandboxLocking SandboxCrypto SandboxHTTP SandboxFiles SandboxCore "$@"; do
        mapfile -t -O "${#linked[@]}" linked < <(objects "$dependency")
    done
    swiftc "${flags[@]}" -module-name "Fuzz_${name//-/_}" "Fuzz/Targets/$name.swift" "${linked[@]}" \
        -o "$out/fuzz-$name"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(desired-state duration journal link-header aws-error ini)
for name in "${targets[@]}"; do
    case $name in
    desired-state | duration) target "$name" ;;
    journal) target "$name" SandboxRuntime ;;
    link-header) target "$name" SandboxGitHub ;;
    aws-error | ini) target "$name" SandboxAWS ;;
    *) echo "Fuzz/build.sh: no target $name" >&2 && exit 64 ;;
    esac
done
