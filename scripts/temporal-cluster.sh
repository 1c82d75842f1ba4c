#!/usr/bin/env bash
# Temporal as production runs it, without Docker: the Temporal server (frontend, history, matching and
# worker services in one process, several history shards) on the project's PostgreSQL.
#
#   bash scripts/temporal-cluster.sh install    build the pinned server and its SQL tool once per machine (needs Go)
#   bash scripts/temporal-cluster.sh setup      create its two databases and bring their schemas up to date
#   bash scripts/temporal-cluster.sh start      install and setup, start the server in the background, register
#                                               the `default` namespace (the default command)
#   bash scripts/temporal-cluster.sh stop       stop the server (its state stays in PostgreSQL)
#   bash scripts/temporal-cluster.sh status     say whether it runs, and where
#   bash scripts/temporal-cluster.sh drop       stop it and drop its databases: every workflow and its history
#   bash scripts/temporal-cluster.sh settings   print what it runs with (version, files, ports, databases)
#
# Every command is idempotent. It runs what docker-compose.yml runs: the same server version, the config
# template of the temporalio/server image of that version filled from the same variables, the dynamic
# config docker/temporal/dynamicconfig.yaml, and the schema set up by docker/temporal/setup.sh.
#
# Settings (environment):
#   RETRIEVER_CLUSTER_PORT  frontend gRPC port, default 17233 (7233 is the dev server's). The server takes
#                           nine ports from there: +1 frontend HTTP, +2 history, +3 matching, +4 worker
#                           service, +5..+8 their membership ports (frontend, history, matching, worker).
#   RETRIEVER_CLUSTER_DB    its database, default temporal_cluster; visibility goes to <name>_visibility.
#   RETRIEVER_CLUSTER_DIR   its rendered config, log and pid file; default ~/.cache/retriever/temporal-cluster-<port>.
#   RETRIEVER_CLUSTER_LOG_LEVEL  the server's log level, default warn.
set -euo pipefail

VERSION="1.29.1"
SHARDS=4 # history shards; fixed when the database is first used, as in docker-compose.yml

root="$(cd "$(dirname "$0")/.." && pwd)"
cache_root="${RETRIEVER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/retriever}"
cache="$cache_root/temporal-server-v$VERSION"
port="${RETRIEVER_CLUSTER_PORT:-17233}"
database="${RETRIEVER_CLUSTER_DB:-temporal_cluster}"
visibility_database="${database}_visibility"
dir="${RETRIEVER_CLUSTER_DIR:-$cache_root/temporal-cluster-$port}"
dynamic_config="$root/docker/temporal/dynamicconfig.yaml"
setup_script="$root/docker/temporal/setup.sh"
schema_dir="$cache/schema/postgresql/v12"
pidfile="$dir/server.pid"
log="$dir/server.log"
address="127.0.0.1:$port"

die() {
  echo "error: $*" >&2
  exit 1
}

[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 65526 ] || die "RETRIEVER_CLUSTER_PORT must be a port from 1024 to 65526 (the server takes nine from it up), not '$port'"
[[ "$database" =~ ^[a-z_][a-z0-9_]{0,50}$ ]] || die "RETRIEVER_CLUSTER_DB must be lower-case letters, digits and '_' (at most 51), not '$database'"

# The server and the SQL tool are built once per machine into the cache, with the schema files and the
# image's config template of the same version beside them, so nothing later needs Go or its module cache.
built() { [ -x "$cache/server" ] && [ -x "$cache/sql" ] && [ -f "$cache/config_template.yaml" ]; }

install() {
  if ! built; then
    command -v go >/dev/null 2>&1 || die "the Temporal server $VERSION is not built and Go is not on PATH.
       Install Go >= 1.25 (https://go.dev/dl/) and run 'bash scripts/temporal-cluster.sh install' again."
    mkdir -p "$cache_root"
    exec 8>"$cache.lock"
    flock 8 # two checkouts starting at once build it once
    if ! built; then
      echo "Building the Temporal server $VERSION into $cache (once per machine; takes a few minutes)..." >&2
      local build="$cache.build-$$"
      rm -rf "$build"
      mkdir -p "$build"
      GOBIN="$build" go install "go.temporal.io/server/cmd/server@v$VERSION" "go.temporal.io/server/cmd/tools/sql@v$VERSION"
      local module
      module="$(go env GOMODCACHE)/go.temporal.io/server@v$VERSION"
      mkdir -p "$build/schema/postgresql"
      cp -R "$module/schema/postgresql/v12" "$build/schema/postgresql/"
      cp "$module/docker/config_template.yaml" "$build/config_template.yaml"
      chmod -R u+w "$build" # the module cache is read-only
      rm -rf "$cache"
      mv "$build" "$cache"
    fi
    exec 8>&-
  fi
  mkdir -p "$root/tools"
  ln -sfn "$cache/server" "$root/tools/temporal-server"
  ln -sfn "$cache/sql" "$root/tools/temporal-sql-tool"
  bash "$root/scripts/install-temporal.sh" # the CLI, for health checks and the namespace
}

# The connection to the project's PostgreSQL, from the file scripts/postgres.sh writes.
read_postgres_env() {
  [ -f "$root/tools/postgres.env" ] || return 0
  local line
  while IFS= read -r line; do
    case "$line" in
      PGHOST=* | PGPORT=* | PGUSER=* | PGPASSWORD=*) export "${line?}" ;;
    esac
  done <"$root/tools/postgres.env"
}

load_postgres() {
  bash "$root/scripts/postgres.sh" ensure
  read_postgres_env
}

setup() {
  install
  load_postgres
  mkdir -p "$dir"
  if ! SQL_TOOL="$cache/sql" SCHEMA_DIR="$schema_dir" SQL_HOST="$PGHOST" SQL_PORT="$PGPORT" SQL_USER="$PGUSER" SQL_PASSWORD="$PGPASSWORD" \
    DBNAME="$database" VISIBILITY_DBNAME="$visibility_database" sh "$setup_script" schema >"$dir/setup.log" 2>&1; then
    tail -n 20 "$dir/setup.log" >&2
    die "setting up the schemas of $database and $visibility_database failed (log: $dir/setup.log)"
  fi
  echo "Temporal schemas: $database, $visibility_database on $PGHOST:$PGPORT are up to date" >&2
}

running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid="$(cat "$pidfile")"
  # The pid is this cluster's server only while its command line names this root directory.
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "--root $dir " && echo "$pid"
}

serving() {
  "$root/tools/temporal" operator cluster health --address "$address" 2>/dev/null | grep -q SERVING
}

# The image's config template, made renderable by the server itself: the image fills it with dockerize
# (`.Env.X`, `default VALUE DEFAULT`); the server's own loader renders templates with sprig
# (`env "X"`, `default DEFAULT VALUE`) when the file says `enable-template`.
write_config() {
  mkdir -p "$dir/config"
  {
    echo "# enable-template: written by scripts/temporal-cluster.sh from the temporalio/server $VERSION image's config_template.yaml"
    sed -E -e 's/default \.Env\.([A-Z0-9_]+) ("[^"]*"|\$[A-Za-z_]+)/default \2 (env "\1")/g' -e 's/\.Env\.([A-Z0-9_]+)/(env "\1")/g' "$cache/config_template.yaml"
  } >"$dir/config/docker.yaml"
}

# What the image reads from its environment; docker-compose.yml sets the same (test/compose.test.ts
# checks). The password is passed separately, so that `settings` never prints it.
server_env() {
  cat <<EOF
DB=postgres12
NUM_HISTORY_SHARDS=$SHARDS
DYNAMIC_CONFIG_FILE_PATH=$dynamic_config
DBNAME=$database
VISIBILITY_DBNAME=$visibility_database
DB_PORT=${PGPORT:-}
POSTGRES_SEEDS=${PGHOST:-}
POSTGRES_USER=${PGUSER:-}
BIND_ON_IP=127.0.0.1
FRONTEND_GRPC_PORT=$port
FRONTEND_HTTP_PORT=$((port + 1))
HISTORY_GRPC_PORT=$((port + 2))
MATCHING_GRPC_PORT=$((port + 3))
WORKER_GRPC_PORT=$((port + 4))
FRONTEND_MEMBERSHIP_PORT=$((port + 5))
HISTORY_MEMBERSHIP_PORT=$((port + 6))
MATCHING_MEMBERSHIP_PORT=$((port + 7))
WORKER_MEMBERSHIP_PORT=$((port + 8))
LOG_LEVEL=${RETRIEVER_CLUSTER_LOG_LEVEL:-warn}
EOF
}

start() {
  setup
  exec 9>"$dir/start.lock"
  flock 9
  local pid
  if pid="$(running_pid)"; then
    echo "Temporal cluster: already running at $address (pid $pid)" >&2
  else
    write_config
    echo "Starting the Temporal server $VERSION at $address ($SHARDS history shards; log $log)..." >&2
    local server_vars=()
    mapfile -t server_vars < <(server_env)
    # Its own session, stdin and output off the caller's, the lock closed: it outlives this script.
    env "${server_vars[@]}" POSTGRES_PWD="$PGPASSWORD" setsid "$cache/server" --root "$dir" --config config --env docker start </dev/null >>"$log" 2>&1 9>&- &
    echo $! >"$pidfile"
    pid=$!
  fi
  local i
  for ((i = 0; i < 240; i++)); do
    serving && break
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$log" >&2
      die "the Temporal server exited (log: $log)"
    fi
    sleep 0.5
  done
  serving || die "the Temporal server does not answer at $address after 2 minutes (log: $log)"
  TEMPORAL_CLI="$root/tools/temporal" TEMPORAL_ADDRESS="$address" sh "$setup_script" namespace >>"$dir/setup.log" 2>&1 ||
    die "registering the default namespace failed (log: $dir/setup.log)"
  echo "Temporal cluster: serving at $address (TEMPORAL_ADDRESS=$address), state in $database on PostgreSQL" >&2
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "Temporal cluster at $address was not running" >&2
    rm -f "$pidfile"
    return 0
  fi
  kill -TERM "$pid"
  local i
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "the Temporal server did not stop within 30 s of SIGTERM; killing it" >&2
    kill -KILL "$pid"
  fi
  rm -f "$pidfile"
  echo "Temporal cluster at $address stopped" >&2
}

status() {
  local pid
  if pid="$(running_pid)"; then
    echo "Temporal cluster: running at $address (pid $pid), databases $database and $visibility_database, log $log"
  else
    echo "Temporal cluster: not running (would serve at $address, databases $database and $visibility_database)"
    return 3
  fi
}

drop() {
  stop
  install
  load_postgres
  local db
  for db in "$database" "$visibility_database"; do
    SQL_PLUGIN=postgres12 SQL_HOST="$PGHOST" SQL_PORT="$PGPORT" SQL_USER="$PGUSER" SQL_PASSWORD="$PGPASSWORD" \
      "$cache/sql" --db "$db" drop-database --force >>"$dir/setup.log" 2>&1 || die "dropping $db failed (log: $dir/setup.log)"
  done
  echo "Temporal cluster databases $database and $visibility_database dropped" >&2
}

settings() {
  read_postgres_env
  cat <<EOF
VERSION=$VERSION
ADDRESS=$address
DIR=$dir
SERVER=$cache/server
SCHEMA_DIR=$schema_dir
SETUP_SCRIPT=$setup_script
EOF
  server_env
  echo "POSTGRES_PWD=(the password in tools/postgres.env)"
}

command="${1:-start}"
case "$command" in
  install | setup | start | stop | status | drop | settings) "$command" ;;
  *) die "usage: bash scripts/temporal-cluster.sh install|setup|start|stop|status|drop|settings" ;;
esac
