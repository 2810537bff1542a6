#!/usr/bin/env bash
# Configures and builds Quiver into BUILD_DIR (default: build). Extra arguments go to cmake.
# Warnings are errors here (QUIVER_WERROR=OFF to build like a packager).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DQUIVER_WERROR="${QUIVER_WERROR:-ON}" "$@" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
