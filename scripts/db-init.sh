#!/usr/bin/env bash
# Applies Platform's PostgreSQL schema (Orleans clustering + reminders queries) idempotently.
# Usage: scripts/db-init.sh "<psql connection URI or conninfo>"   e.g. "host=127.0.0.1 port=5432 dbname=platform user=postgres"
# Without an argument, psql's own environment (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD) is used.
set -euo pipefail
cd "$(dirname "$0")/.."
conn=("$@")
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
for script in src/Silo/Platform.Silo.Hosting/Cluster/Sql/*.sql; do
  psql -X -q -v ON_ERROR_STOP=1 "${conn[@]}" -f "$script" >/dev/null
  echo "db-init: applied $(basename "$script")"
done
