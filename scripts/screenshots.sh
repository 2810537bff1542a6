#!/usr/bin/env bash
# Renders the main pages into docs/screenshots/ for README (run by hand, not in CI): imports this
# repository's documentation into a scratch database, lets the local model embed it, searches it,
# and grabs Library, Search (with the preview), Map and Jobs on Qt's offscreen platform, at 1280x800.
#
#   scripts/screenshots.sh [BUILD_DIR]
#
# Needs a PostgreSQL server where the user may create databases: QUIVER_SCREENSHOT_ADMIN_DB
# (default "dbname=postgres") is where the scratch database is created and dropped from. The
# settings, caches and indexes of the run live in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
admin=${QUIVER_SCREENSHOT_ADMIN_DB:-dbname=postgres}
name="quiver_screenshots_$$"
work=$(mktemp -d)
cleanup() {
  psql "$admin" -qc "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Built when missing (a run as another user than the build's cannot write the build folder).
[[ -x "$build/tests/screenshots/screenshot_tour" && -x "$build/app/quiver-reader" ]] ||
  cmake --build "$build" --target screenshot_tour quiver-reader
psql "$admin" -qc "CREATE DATABASE $name" >/dev/null
# The connection of the admin database, pointed at the scratch one.
db="$admin dbname=$name"

docs="$work/Quiver documentation"
mkdir -p "$docs"
cp README.md "$docs/README.md"
cp packaging/README.md "$docs/Packaging.md"

mkdir -p docs/screenshots
XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data" \
  QT_QPA_PLATFORM=offscreen QUIVER_READER_PROGRAM="$build/app/quiver-reader" \
  "$build/tests/screenshots/screenshot_tour" \
  --db "$db" --docs "$docs" --out docs/screenshots \
  --query "where does the API key live"
echo "screenshots: docs/screenshots/{library,search,map,jobs}.png"
