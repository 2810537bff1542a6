#!/usr/bin/env bash
# Sets up and runs the whole test suite: installs what is missing, checks formatting and that
# core/ keeps POSIX-only headers behind platform guards, builds the Release configuration that
# packages are made from (GCC, warnings as errors) and runs every test, cross-builds the index
# engine for ARM64 and Windows and runs its checks under qemu-user and wine, builds the DEB and
# RPM and checks them installed, then builds with Clang under
# AddressSanitizer and UndefinedBehaviorSanitizer and runs every test again, and finally runs the
# index engine's concurrency tests under ThreadSanitizer. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

echo "== configure, check formatting, build (Release, GCC)"
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=Release -DQUIVER_WERROR=ON >/dev/null
cmake --build build-test --target format-check
scripts/check-portability.py
scripts/check-dependency-manifests.py
cmake --build build-test --parallel "$jobs"

echo "== test"
(cd build-test && ctest --output-on-failure --parallel "$jobs" --timeout 600)

if [[ "${QUIVER_SKIP_PORTABLE:-0}" != 1 ]]; then
  echo "== the index engine on ARM64 (qemu-user) and Windows (wine)"
  BUILD_DIR=build-test-portable scripts/test-portable.sh
fi

if [[ "${QUIVER_SKIP_PACKAGES:-0}" != 1 ]]; then
  echo "== packages (DEB, RPM)"
  scripts/check-packages.sh build-test
fi

if [[ "${QUIVER_SKIP_SANITIZERS:-0}" != 1 ]]; then
  echo "== build and test (Clang, AddressSanitizer + UndefinedBehaviorSanitizer)"
  CXX=clang++ BUILD_DIR=build-asan BUILD_TYPE=Debug scripts/build.sh -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
    -DQUIVER_SANITIZE=address,undefined -DQUIVER_BUILD_BENCH=OFF
  (cd build-asan && ctest --output-on-failure --parallel "$jobs" --timeout 900)
fi
if [[ "${QUIVER_SKIP_SANITIZERS:-0}" != 1 ]]; then
  # The engine's concurrent build, search, insert, remove and consolidate, under ThreadSanitizer.
  # ASLR off: ThreadSanitizer's memory layout does not fit every kernel's randomised mappings.
  echo "== build and test the index engine (Clang, ThreadSanitizer)"
  tsan_tests=(tst_vamana_index tst_vamana_updates tst_vamana_filters tst_vamana_clustered
              tst_disk_index tst_disk_index_merge tst_disk_index_updates)
  CXX=clang++ cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DQUIVER_SANITIZE=thread -DQUIVER_BUILD_BENCH=OFF \
    -DQUIVER_WERROR=ON >/dev/null
  cmake --build build-tsan --parallel "$jobs" --target "${tsan_tests[@]}"
  regex="^($(IFS='|'; echo "${tsan_tests[*]}"))\$"
  (cd build-tsan &&
    TSAN_OPTIONS="suppressions=$PWD/../tests/sanitizers/tsan.supp halt_on_error=1" \
      setarch "$(uname -m)" -R ctest --output-on-failure --parallel "$jobs" --timeout 900 -R "$regex")
fi
echo "== all tests passed"
