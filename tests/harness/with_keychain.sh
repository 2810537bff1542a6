#!/usr/bin/env bash
# Runs a test inside a private D-Bus session with a freshly created, unlocked gnome-keyring,
# so that QtKeychain talks to a real Secret Service. Fails loudly if the keyring is not usable.
set -euo pipefail
if [[ "${1:-}" != "--inside" ]]; then
  for tool in dbus-run-session gnome-keyring-daemon secret-tool; do
    command -v "$tool" >/dev/null || { echo "with_keychain: $tool is missing (install dbus gnome-keyring libsecret-tools)" >&2; exit 1; }
  done
  home=$(mktemp -d /tmp/quiver-keyring-XXXXXX)
  trap 'rm -rf "$home"' EXIT
  export HOME=$home XDG_DATA_HOME=$home/.local/share XDG_CONFIG_HOME=$home/.config XDG_CACHE_HOME=$home/.cache
  export XDG_RUNTIME_DIR=$home/run
  mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  rc=0
  dbus-run-session -- "$0" --inside "$@" || rc=$?
  exit $rc
fi
shift
# --replace: a daemon auto-started by D-Bus would keep the keyring locked.
printf 'quiver-test-keyring' | gnome-keyring-daemon --replace --unlock --components=secrets >/dev/null
probe="probe-$$"
printf '%s' "$probe" | secret-tool store --label="Quiver test probe" quiver-test probe
[[ "$(secret-tool lookup quiver-test probe)" == "$probe" ]] || { echo "with_keychain: the keyring did not unlock" >&2; exit 1; }
secret-tool clear quiver-test probe
rc=0
"$@" || rc=$?
exit $rc
