#!/bin/bash
# Run once by the postgres image on an empty primary: the replication role, its pg_hba line and its slot.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" <<SQL
CREATE ROLE replicator WITH LOGIN REPLICATION PASSWORD '${REPLICATION_PASSWORD:-replicator}';
SELECT pg_create_physical_replication_slot('monps_replica');
GRANT pg_monitor TO $POSTGRES_USER;
SQL
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
