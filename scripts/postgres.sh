#!/usr/bin/env bash
# A local PostgreSQL for tests, benchmarks and CI, from Debian's packages.
#
#   bash scripts/postgres.sh ensure   install if missing, create the cluster once, start it if stopped,
#                                     and write the connection settings to tools/postgres.env
#   bash scripts/postgres.sh stop     stop the server
#   bash scripts/postgres.sh status   say whether it runs, and where
#
# One server per machine (not per checkout), on 127.0.0.1:$RETRIEVER_PG_PORT (54329): a fresh clone
# on the same machine reuses it instead of fighting over the port. Its password is generated at
# creation, kept beside the cluster (mode 600) and copied into tools/postgres.env, which git ignores.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
port="${RETRIEVER_PG_PORT:-54329}"
user="retriever"
database="retriever"
env_file="$root/tools/postgres.env"

die() {
  echo "error: $*" >&2
  exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user the Debian
# package creates, in that user's home; otherwise as the current user, in the user's cache.
server_home() {
  if [ -n "${RETRIEVER_PG_DIR:-}" ]; then
    echo "$RETRIEVER_PG_DIR"
  elif is_root; then
    echo "$(getent passwd postgres | cut -d: -f6)/retriever-$port"
  else
    echo "${RETRIEVER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/retriever}/postgres-$port"
  fi
}

as_server() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<major>/bin.
find_bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
  elif command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  fi
}

install_postgres() {
  if ! command -v apt-get >/dev/null 2>&1; then
    die "PostgreSQL is not installed and apt-get is not available on this machine.
       Install the PostgreSQL server (initdb, pg_ctl) with your package manager and run this again,
       or point the tests at a server of your own with RETRIEVER_TEST_DATABASE_URL."
  fi
  if ! is_root; then
    die "PostgreSQL is not installed; installing it needs root: run 'sudo apt-get install -y postgresql' and then this again."
  fi
  echo "Installing PostgreSQL from Debian's packages (once per machine)..." >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
  id postgres >/dev/null 2>&1 || die "installing postgresql did not create the 'postgres' user"
}

write_env_file() {
  local password="$1"
  mkdir -p "$(dirname "$env_file")"
  (
    umask 077
    cat >"$env_file" <<EOF
# Written by scripts/postgres.sh: the local test server. Not for production; git ignores tools/.
PGHOST=127.0.0.1
PGPORT=$port
PGUSER=$user
PGPASSWORD=$password
PGDATABASE=$database
DATABASE_URL=postgresql://$user:$password@127.0.0.1:$port/$database
EOF
  )
}

create_cluster() {
  local bindir="$1" home="$2"
  echo "Creating a PostgreSQL cluster in $home/data (once per machine)..." >&2
  mkdir -p "$home"
  # Hex only, so the password needs no escaping in the URL.
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$home/password"
  chmod 600 "$home/password"
  if is_root; then chown -R postgres:postgres "$home"; fi
  as_server "$bindir/initdb" -D "$home/data" -U "$user" --pwfile="$home/password" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$home/initdb.log" 2>&1 ||
    die "initdb failed; see $home/initdb.log"
  mkdir -p "$home/run"
  if is_root; then chown postgres:postgres "$home/run"; fi
  cat >>"$home/data/postgresql.conf" <<EOF

# scripts/postgres.sh: loopback only, a fixed uncommon port, sockets beside the cluster.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$home/run'
max_connections = 200
EOF
}

ensure() {
  local bindir home
  bindir="$(find_bindir)"
  if [ -z "$bindir" ]; then
    install_postgres
    bindir="$(find_bindir)"
    [ -n "$bindir" ] || die "postgresql is installed but initdb/pg_ctl were not found under /usr/lib/postgresql/*/bin"
  fi
  home="$(server_home)"
  if is_root; then
    [ -n "$home" ] && [ "$home" != "/retriever-$port" ] || die "the 'postgres' user has no home directory; set RETRIEVER_PG_DIR to a directory it can write"
  fi

  if [ ! -f "$home/data/PG_VERSION" ]; then
    create_cluster "$bindir" "$home"
  fi
  [ -f "$home/password" ] || die "$home/password is missing, so the server's password is unknown; stop the server and remove $home to re-create it"
  local major
  major="$(cat "$home/data/PG_VERSION")"
  if ! "$bindir/postgres" --version | grep -q " $major\."; then
    die "the cluster in $home/data is PostgreSQL $major but the installed server is '$("$bindir/postgres" --version)'; stop it and remove $home to re-create it"
  fi

  if ! as_server "$bindir/pg_ctl" -D "$home/data" status >/dev/null 2>&1; then
    echo "Starting PostgreSQL on 127.0.0.1:$port..." >&2
    # 9>&-: the server must not inherit the lock below, or it would hold it for its whole life.
    if ! as_server "$bindir/pg_ctl" -D "$home/data" -l "$home/server.log" -w -t 60 start >/dev/null 9>&-; then
      tail -n 20 "$home/server.log" >&2 || true
      die "PostgreSQL did not start (log: $home/server.log); is another server using port $port? Set RETRIEVER_PG_PORT to use another port"
    fi
  fi

  local password
  password="$(cat "$home/password")"
  export PGPASSWORD="$password"
  local psql="$bindir/psql"
  [ -x "$psql" ] || psql="psql"
  if [ "$("$psql" -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != "1" ]; then
    "$psql" -h 127.0.0.1 -p "$port" -U "$user" -d postgres -qc "CREATE DATABASE $database" >/dev/null
  fi
  write_env_file "$password"
  echo "PostgreSQL: 127.0.0.1:$port database $database (settings in $env_file)" >&2
}

stop() {
  local bindir home
  bindir="$(find_bindir)"
  home="$(server_home)"
  if [ -z "$bindir" ] || [ ! -f "$home/data/PG_VERSION" ]; then
    echo "PostgreSQL: no cluster at $home" >&2
    return 0
  fi
  if as_server "$bindir/pg_ctl" -D "$home/data" status >/dev/null 2>&1; then
    as_server "$bindir/pg_ctl" -D "$home/data" -m fast -w stop >/dev/null
    echo "PostgreSQL on port $port stopped" >&2
  else
    echo "PostgreSQL on port $port was not running" >&2
  fi
}

status() {
  local bindir home
  bindir="$(find_bindir)"
  home="$(server_home)"
  if [ -z "$bindir" ]; then
    echo "PostgreSQL: not installed (bash scripts/postgres.sh ensure installs it)"
  elif [ ! -f "$home/data/PG_VERSION" ]; then
    echo "PostgreSQL: installed ($bindir), no cluster yet at $home"
  elif as_server "$bindir/pg_ctl" -D "$home/data" status >/dev/null 2>&1; then
    echo "PostgreSQL: running on 127.0.0.1:$port, cluster $home/data"
  else
    echo "PostgreSQL: stopped, cluster $home/data"
    return 3
  fi
}

command="${1:-ensure}"
case "$command" in
  ensure | stop)
    # Two test runs starting at once must not both create or start the cluster.
    exec 9>"/tmp/retriever-postgres-$port.lock"
    flock 9
    "$command"
    ;;
  status) status ;;
  *) die "usage: bash scripts/postgres.sh ensure|stop|status" ;;
esac
