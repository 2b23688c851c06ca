#!/usr/bin/env bash
# PostgreSQL sandbox for the AUDITOR record server's external-PostgreSQL suites (and for trying the server on a
# real PostgreSQL): Debian's postgresql, a cluster of its own ("sandbox", port 5433 unless PG_SANDBOX_PORT),
# started with pg_ctlcluster (no systemd), and a role + database for the tests.
# Run as root. Idempotent: a second run finds everything up and changes nothing.
# Prints the variable the suites read:
#   export AUDITOR_TEST_PG_URL=postgresql://auditor_test:auditor_test@127.0.0.1:5433/auditor_test
set -euo pipefail
# Only the export line may reach stdout (callers eval it): everything the tools print goes to stderr. CI once
# failed because pg_ctlcluster printed "Removed stale pid file" on stdout and the caller ran it as a command.
exec 3>&1 1>&2

PORT=${PG_SANDBOX_PORT:-5433}
CLUSTER=sandbox
ROLE=auditor_test
PASSWORD=auditor_test
DB=auditor_test

log() { echo "postgres-sandbox: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[[ $(id -u) -eq 0 ]] || die "run as root"
[[ $PORT =~ ^[0-9]+$ ]] || die "PG_SANDBOX_PORT must be a number"

if ! command -v pg_createcluster >/dev/null; then
  log "installing Debian postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # the package's own cluster (main, 5432) is not needed: create_main_cluster=false keeps it from appearing
  mkdir -p /etc/postgresql-common
  grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf \
    || echo 'create_main_cluster = false' >>/etc/postgresql-common/createcluster.conf
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

VERSION=$(pg_lsclusters -h 2>/dev/null | awk -v c=$CLUSTER '$2 == c { print $1 }' | head -n1)
if [[ -z $VERSION ]]; then
  VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n1)
  [[ -n $VERSION ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql"
  log "creating cluster $VERSION/$CLUSTER on port $PORT"
  pg_createcluster "$VERSION" "$CLUSTER" -p "$PORT" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
fi

STATUS=$(pg_lsclusters -h | awk -v c=$CLUSTER '$2 == c { print $4 }')
if [[ $STATUS != online ]]; then
  log "starting cluster $VERSION/$CLUSTER"
  # pg_ctlcluster forks the server itself; without systemd it needs --skip-systemctl-redirect
  # (3>&-: the server must not hold the caller's stdout open, or $(start.sh) would never return)
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start 3>&-
fi
PORT=$(pg_lsclusters -h | awk -v c=$CLUSTER '$2 == c { print $3 }')

psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" "$@"; }
for _ in $(seq 100); do
  psql_admin -c 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.1
done
psql_admin -c 'SELECT 1' >/dev/null || die "cluster $VERSION/$CLUSTER does not answer on port $PORT"

if [[ $(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'") != 1 ]]; then
  log "creating role $ROLE"
  psql_admin -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'"
fi
if [[ $(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'") != 1 ]]; then
  log "creating database $DB"
  psql_admin -c "CREATE DATABASE $DB OWNER $ROLE"
fi
log "cluster $VERSION/$CLUSTER online on 127.0.0.1:$PORT"
echo "export AUDITOR_TEST_PG_URL=postgresql://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB" >&3
