#!/usr/bin/env bash
# Builds the DEB and RPM from a configured build directory and checks them the way a user meets
# them: installs the DEB with apt-get, runs the installed programs, shows the installed app's
# window under Xvfb as an unprivileged user on its private database and quits it, validates the
# desktop file and AppStream metainfo, renders the man page, compares the RPM's file list with
# the DEB's, and purges the package, checking that nothing is left behind.
# Usage: scripts/check-packages.sh BUILD_DIR      (as root, or with sudo; Debian/Ubuntu)
set -euo pipefail
build=$(realpath "${1:?usage: check-packages.sh BUILD_DIR}")
cd "$(dirname "$0")/.."
sudo=""
[[ $EUID -ne 0 ]] && sudo="sudo"
fail() { echo "check-packages: FAILED: $*" >&2; exit 1; }

if dpkg-query -W -f='${Status}' quiver 2>/dev/null | grep -q "install ok installed"; then
  fail "a quiver package is already installed here; remove it first (apt-get purge quiver)"
fi

echo "== cpack (DEB, RPM)"
rm -f "$build"/quiver*.deb "$build"/quiver*.rpm
(cd "$build" && cpack -G "DEB;RPM" >/dev/null) || fail "cpack"
deb=$(ls "$build"/quiver_*.deb) rpm=$(ls "$build"/quiver-*.rpm)
echo "built $(basename "$deb") and $(basename "$rpm")"

echo "== the RPM holds the same files as the DEB"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $NF}' | sed 's|^\./|/|' | sort >"$build/deb-files.txt"
# Files only: directories are owned differently by each packaging system.
rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$rpm" 2>/dev/null | awk '$1 !~ /^d/ {print $2}' \
  | sort >"$build/rpm-files.txt"
diff -u "$build/deb-files.txt" "$build/rpm-files.txt" || fail "the RPM's files differ from the DEB's"
echo "$(wc -l <"$build/deb-files.txt") files in each"

echo "== install the DEB with apt-get"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >/dev/null \
  || fail "apt-get install $deb"
dpkg -L quiver | sort >"$build/installed-paths.txt"
trap '$sudo env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq quiver >/dev/null 2>&1 || true' EXIT

for f in /usr/bin/quiver /usr/bin/quiver-cli /usr/bin/quiver-reader /usr/share/applications/io.quiver.Quiver.desktop \
         /usr/share/metainfo/io.quiver.Quiver.metainfo.xml \
         /usr/share/icons/hicolor/scalable/apps/io.quiver.Quiver.svg \
         /usr/share/icons/hicolor/16x16/apps/io.quiver.Quiver.png \
         /usr/share/icons/hicolor/512x512/apps/io.quiver.Quiver.png \
         /usr/share/man/man1/quiver-cli.1 /usr/share/bash-completion/completions/quiver-cli \
         /usr/lib/systemd/user/quiver-worker.service; do
  [[ -e $f ]] || fail "the package did not install $f"
done
/usr/bin/quiver --version | grep -q "^quiver " || fail "installed quiver --version"
/usr/bin/quiver-cli --version | grep -q "^quiver-cli " || fail "installed quiver-cli --version"
# The helper every import reads its files in, found next to quiver and quiver-cli.
/usr/bin/quiver-reader --version | grep -q "^quiver-reader " || fail "installed quiver-reader --version"
echo "installed: $(/usr/bin/quiver --version), $(/usr/bin/quiver-cli --version)"

echo "== desktop file, metainfo, man page, completion, user unit"
desktop-file-validate /usr/share/applications/io.quiver.Quiver.desktop || fail "desktop-file-validate"
appstreamcli validate --no-net /usr/share/metainfo/io.quiver.Quiver.metainfo.xml >/dev/null \
  || fail "appstreamcli validate"
page=$(MANWIDTH=80 man -P cat quiver-cli 2>/dev/null) || fail "man quiver-cli does not render"
grep -q "quiver-cli - semantic search" <<<"$page" || fail "man quiver-cli: unexpected text"
bash -c 'source /usr/share/bash-completion/completions/quiver-cli && complete -p quiver-cli' >/dev/null \
  || fail "bash completion does not load"
grep -q "^ExecStart=/usr/bin/quiver-cli worker" /usr/lib/systemd/user/quiver-worker.service \
  || fail "the worker's user unit does not start quiver-cli worker"

echo "== the installed app shows its window on the private database, then quits"
user=quiver-pkgcheck
id "$user" >/dev/null 2>&1 || $sudo useradd --create-home --shell /bin/bash "$user"
home=$(getent passwd "$user" | cut -d: -f6)
$sudo rm -rf "$home/.local" "$home/.config" "$home/.cache"
$sudo runuser -u "$user" -- env HOME="$home" QT_QPA_PLATFORM=xcb \
  xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    set -e
    /usr/bin/quiver & pid=$!
    # The window exists once xdotool finds it by its title.
    for _ in $(seq 1 600); do
      win=$(xdotool search --onlyvisible --name "^Quiver" 2>/dev/null | head -1 || true)
      [[ -n $win ]] && break
      kill -0 $pid 2>/dev/null || { echo "quiver exited before showing its window" >&2; exit 1; }
      sleep 0.1
    done
    [[ -n $win ]] || { echo "no Quiver window after 60 s" >&2; kill $pid; exit 1; }
    echo "window $win is up: $(xdotool getwindowname "$win")"
    # Wait for the private database to be up before quitting, as a user would.
    for _ in $(seq 1 600); do
      ls "$HOME"/.local/share/Quiver/postgres/postmaster.pid >/dev/null 2>&1 && break
      sleep 0.1
    done
    # Real key presses (XTEST) to the focused window: Qt ignores synthetic events.
    xdotool windowfocus --sync "$win"
    xdotool key ctrl+q
    for _ in $(seq 1 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    if kill -0 $pid 2>/dev/null; then echo "quiver still running 30 s after Ctrl+Q" >&2; kill $pid; exit 1; fi
    wait $pid || { echo "quiver exited with status $?" >&2; exit 1; }
  ' || fail "the installed app did not start and quit cleanly"
[[ -d $home/.local/share/Quiver/postgres ]] || fail "the app made no private database in $home/.local/share/Quiver"
[[ ! -e $home/.local/share/Quiver/postgres/postmaster.pid ]] \
  || fail "the private PostgreSQL server of $user still runs after Quit (postmaster.pid is there)"
# pg_ctl stop returns once the server is down; its last processes may take a moment to exit.
for _ in $(seq 1 100); do pgrep -u "$user" postgres >/dev/null || break; sleep 0.1; done
! pgrep -u "$user" postgres >/dev/null || fail "PostgreSQL processes of $user still run after Quit"
echo "the window came up on the private database and Quit stopped the server"

echo "== purge leaves nothing behind"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq quiver >/dev/null || fail "apt-get purge quiver"
trap - EXIT
left=0
while read -r path; do
  [[ -f $path || -L $path ]] && { echo "left behind: $path" >&2; left=1; }
done <"$build/installed-paths.txt"
((left == 0)) || fail "files left after purge"
$sudo userdel -r "$user" 2>/dev/null || true
echo "check-packages: all checks passed"
