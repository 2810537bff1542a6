#!/usr/bin/env bash
# Sets up and starts Quiver on its embedded defaults: a private PostgreSQL cluster in your data
# directory and the offline embedder. Usage: scripts/run.sh [quiver arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --run-only
QUIVER_WERROR=OFF BUILD_DIR=build scripts/build.sh -DQUIVER_BUILD_TESTS=OFF -DQUIVER_BUILD_BENCH=OFF
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
  echo "run: no display found. Run this from a desktop session (or wrap it in xvfb-run)." >&2
  exit 1
fi
if [[ $EUID -ne 0 ]]; then
  exec build/app/quiver "$@"
fi
# PostgreSQL refuses to run as root, so the private database (and with it Quiver) runs as an
# ordinary account: the one that called sudo, else a `quiver` system account.
user=${SUDO_USER:-}
if [[ -z "$user" || "$user" == root ]]; then
  user=quiver
  id "$user" >/dev/null 2>&1 || useradd --system --create-home --home-dir /var/lib/quiver \
    --shell /usr/sbin/nologin "$user"
fi
echo "run: started as root; running Quiver as the unprivileged user '$user'"
home=$(getent passwd "$user" | cut -d: -f6)
xauth_copy=""
if [[ -n "${XAUTHORITY:-}" && -r "${XAUTHORITY}" ]]; then
  xauth_copy=$(mktemp /tmp/quiver-xauth-XXXXXX)
  cp "$XAUTHORITY" "$xauth_copy"
  chown "$user" "$xauth_copy"
fi
exec runuser -u "$user" -- env HOME="$home" DISPLAY="${DISPLAY:-}" XAUTHORITY="$xauth_copy" \
  QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-}" "$PWD/build/app/quiver" "$@"
