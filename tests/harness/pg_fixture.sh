#!/usr/bin/env bash
# Starts or stops the throwaway PostgreSQL server that the `db` tests share during one ctest run.
#   pg_fixture.sh start DIR    initdb + start; writes DIR/env (sourceable) for the harness
#   pg_fixture.sh stop DIR     stop and delete DIR
# The server listens on a private Unix socket (trust, for the superuser) and on 127.0.0.1 at a
# free port with TLS and scram-sha-256 passwords, so that tests can check password and
# certificate errors for real. As root, the server runs as the `postgres` user (initdb refuses
# root).
set -euo pipefail
action=${1:?start|stop}
dir=${2:?directory}

bindir=${QUIVER_PG_BINDIR:-}
if [[ -z "$bindir" ]]; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
fi
[[ -x "$bindir/pg_ctl" ]] || { echo "pg_fixture: no PostgreSQL server binaries (set QUIVER_PG_BINDIR)" >&2; exit 1; }

as_owner() {
  if [[ $EUID -eq 0 ]]; then (cd /tmp && runuser -u postgres -- "$@"); else "$@"; fi
}

case "$action" in
start)
  if [[ -f "$dir/data/postmaster.pid" ]]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  mkdir -p "$dir/sock"
  [[ $EUID -eq 0 ]] && chown -R postgres: "$dir"
  chmod 700 "$dir"
  superuser=$([[ $EUID -eq 0 ]] && echo postgres || id -un)
  as_owner "$bindir/initdb" -D "$dir/data" -U "$superuser" --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }

  # A self-signed server certificate for the TLS tests, and a second, unrelated CA that must
  # be refused by sslmode=verify-full.
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$dir/data/server.key" -out "$dir/data/server.crt" >/dev/null 2>&1
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Some Other CA" \
    -keyout "$dir/other-ca.key" -out "$dir/other-ca.crt" >/dev/null 2>&1
  cp "$dir/data/server.crt" "$dir/root.crt"
  chmod 600 "$dir/data/server.key"
  [[ $EUID -eq 0 ]] && chown postgres: "$dir/data/server.key" "$dir/data/server.crt"
  chmod 644 "$dir/root.crt" "$dir/other-ca.crt"

  port=""
  for p in $(shuf -i 20000-60000 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
  done
  [[ -n "$port" ]] || { echo "pg_fixture: no free TCP port" >&2; exit 1; }

  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
max_connections = 200
password_encryption = 'scram-sha-256'
CONF
  cat >"$dir/data/pg_hba.conf" <<HBA
local all all trust
hostssl all all 127.0.0.1/32 scram-sha-256
hostnossl all all 127.0.0.1/32 scram-sha-256
HBA
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$port" -U "$superuser" -d postgres \
    -c "CREATE ROLE quiver_pw LOGIN PASSWORD 'quiver-test-password' CREATEDB" >/dev/null
  chmod 755 "$dir"
  cat >"$dir/env" <<ENV
QUIVER_TEST_PG_SOCKET=$dir/sock
QUIVER_TEST_PG_PORT=$port
QUIVER_TEST_PG_SUPERUSER=$superuser
QUIVER_TEST_PG_PASSWORD_USER=quiver_pw
QUIVER_TEST_PG_PASSWORD=quiver-test-password
QUIVER_TEST_PG_ROOT_CERT=$dir/root.crt
QUIVER_TEST_PG_OTHER_CA=$dir/other-ca.crt
QUIVER_TEST_PG_BINDIR=$bindir
ENV
  echo "pg_fixture: PostgreSQL up on socket $dir/sock and 127.0.0.1:$port"
  ;;
stop)
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
