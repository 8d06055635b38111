#!/bin/sh
# Runs once, when the primary's data folder is first made (docker-entrypoint-initdb.d): a role
# for the replica's base backup and streaming, and the line that lets it connect for that.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD}';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
