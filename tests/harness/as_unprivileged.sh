#!/usr/bin/env bash
# Runs a test as an unprivileged user. PostgreSQL's initdb refuses to run as root, so tests
# of the private cluster run as the `postgres` system user when ctest itself runs as root.
set -euo pipefail
if [[ $EUID -ne 0 ]]; then exec "$@"; fi
id postgres >/dev/null 2>&1 || { echo "as_unprivileged: no 'postgres' user to run as (install postgresql)" >&2; exit 1; }
home=$(mktemp -d /tmp/quiver-home-XXXXXX)
chown postgres: "$home"
trap 'rm -rf "$home"' EXIT
rc=0
(cd /tmp && runuser -u postgres -- env HOME="$home" XDG_DATA_HOME="$home/.local/share" \
  XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$home/run" "$@") || rc=$?
exit $rc
