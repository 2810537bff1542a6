#!/usr/bin/env bash
# Sets up and runs the whole test suite: installs what is missing, checks formatting, builds
# and runs every test, then builds and runs them again under AddressSanitizer and
# UndefinedBehaviorSanitizer. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

echo "== configure, check formatting, build (RelWithDebInfo)"
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQUIVER_WERROR=ON >/dev/null
cmake --build build-test --target format-check
cmake --build build-test --parallel "$jobs"

echo "== test"
(cd build-test && ctest --output-on-failure --parallel "$jobs" --timeout 600)

if [[ "${QUIVER_SKIP_SANITIZERS:-0}" != 1 ]]; then
  echo "== build and test (AddressSanitizer + UndefinedBehaviorSanitizer)"
  BUILD_DIR=build-asan BUILD_TYPE=Debug scripts/build.sh -DQUIVER_WERROR=ON -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
    -DQUIVER_SANITIZE=address,undefined -DQUIVER_BUILD_BENCH=OFF
  (cd build-asan && ctest --output-on-failure --parallel "$jobs" --timeout 900)
fi
echo "== all tests passed"
