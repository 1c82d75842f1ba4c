#!/bin/sh
# Temporal's own setup on PostgreSQL, the same for docker-compose.yml (run in the temporalio/admin-tools
# image) and for scripts/temporal-cluster.sh (run with the tools it builds):
#
#   sh setup.sh schema      create Temporal's two databases if missing and bring their schemas up to
#                           the newest version in $SCHEMA_DIR (<schema>/postgresql/v12 of the server's version)
#   sh setup.sh namespace   wait until the server at $TEMPORAL_ADDRESS serves, register the `default`
#                           namespace if it is missing, and wait until the server accepts work in it
#
# Both are idempotent. temporal-sql-tool reads SQL_HOST, SQL_PORT, SQL_USER and SQL_PASSWORD;
# DBNAME and VISIBILITY_DBNAME name the databases, as for the server.
set -eu

sql_tool="${SQL_TOOL:-temporal-sql-tool}"
temporal="${TEMPORAL_CLI:-temporal}"
namespace="${DEFAULT_NAMESPACE:-default}"

die() {
  echo "error: $*" >&2
  exit 1
}

schema() {
  [ -d "${SCHEMA_DIR:-}" ] || die "SCHEMA_DIR ('${SCHEMA_DIR:-}') is not a directory of Temporal's PostgreSQL schema"
  export SQL_PLUGIN=postgres12
  for target in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
    db="${target%%:*}"
    "$sql_tool" --db "$db" create-database
    "$sql_tool" --db "$db" setup-schema -v 0.0
    "$sql_tool" --db "$db" update-schema -d "$SCHEMA_DIR/${target#*:}/versioned"
  done
}

# `temporal` reads TEMPORAL_ADDRESS itself.
namespace() {
  [ -n "${TEMPORAL_ADDRESS:-}" ] || die "TEMPORAL_ADDRESS is not set"
  tries=0
  until "$temporal" operator cluster health 2>/dev/null | grep -q SERVING; do
    tries=$((tries + 1))
    [ "$tries" -lt 120 ] || die "no Temporal server serves at $TEMPORAL_ADDRESS"
    sleep 1
  done
  if ! "$temporal" operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
    "$temporal" operator namespace create --namespace "$namespace" --retention "${DEFAULT_NAMESPACE_RETENTION:-24h}"
  fi
  # The frontend learns of a new namespace at its next cache refresh (every 10 s).
  tries=0
  until "$temporal" workflow count --namespace "$namespace" >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 60 ] || die "the server at $TEMPORAL_ADDRESS does not accept work in namespace '$namespace'"
    sleep 1
  done
}

case "${1:-}" in
  schema) schema ;;
  namespace) namespace ;;
  *) die "usage: sh setup.sh schema|namespace" ;;
esac
