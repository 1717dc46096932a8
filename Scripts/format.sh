#!/usr/bin/env bash
# Formats the Swift sources with the toolchain's swift-format (.swift-format: 4 spaces, 120 columns),
# then lints them strictly, as CI does.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests Benchmarks Torture Fuzz/Targets)
if [ "${1:-}" != "--lint" ]; then
    swift format --configuration .swift-format --in-place --recursive "${paths[@]}"
fi
swift format lint --strict --configuration .swift-format --recursive "${paths[@]}"
