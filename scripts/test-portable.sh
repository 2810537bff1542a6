#!/usr/bin/env bash
# Builds the index engine (core/diskann) with its standard-library check program
# (tests/portable) for this machine, for 64-bit ARM Linux and for 64-bit Windows, and runs each:
# ARM under qemu-user (so the NEON kernels and the portable file reader run), Windows under wine
# (the Windows file paths of the reader and the atomic writer). The host writes an index file and
# its answers first; each target must read that file and give the same answers. Qt Test suites
# stay host-only: Debian has no Qt for these targets. Packages: scripts/install-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${BUILD_DIR:-build-portable}
jobs=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build() {
  local name=$1
  shift
  cmake -S tests/portable -B "$out/$name" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$out/$name" --parallel "$jobs"
}

echo "== engine check: $(uname -m) (host), writing the reference index"
build host
"$out/host/engine_check" "$work/reference" --write-reference
"$out/host/engine_check" "$work/host"

echo "== engine check: aarch64 under qemu-user"
build aarch64 -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchains/aarch64-linux-gnu.cmake"
mkdir -p "$work/aarch64"
cp "$work/reference/reference".* "$work/aarch64/"
qemu-aarch64-static -L /usr/aarch64-linux-gnu "$out/aarch64/engine_check" "$work/aarch64" \
  --check-reference

echo "== engine check: Windows x86_64 under wine"
build windows -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchains/mingw-w64-x86_64.cmake"
mkdir -p "$work/windows"
cp "$work/reference/reference".* "$work/windows/"
# A prefix of its own, in the temporary folder; wine sees the root file system as drive Z:.
WINEPREFIX="$work/wineprefix" WINEDEBUG=-all /usr/lib/wine/wine64 \
  "$out/windows/engine_check.exe" "Z:${work//\//\\}\\windows" --check-reference 2>&1 |
  grep -v -e '^wine: ' -e 'rundll32.exe'
