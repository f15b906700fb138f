#!/bin/sh
# Temporal's schema in the databases temporal and temporal_visibility (deploy/postgres/init.sh
# makes them): set up on a new database, then brought to the image's version. Idempotent: the
# stack runs it before every start of the server, so an upgraded image upgrades the schema.
set -eu
export SQL_PASSWORD
SQL_PASSWORD=$(cat /run/secrets/temporal_db_password)
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p 5432 -u "$POSTGRES_USER" "$@"; }
for db in temporal visibility; do
	name=$db
	[ "$db" = visibility ] && name=temporal_visibility
	# A database set up before already has its version table: then only the update runs.
	if ! tool --db "$name" setup-schema -v 0.0 2>/tmp/setup.log; then
		grep -qi "already exists" /tmp/setup.log || { cat /tmp/setup.log >&2; exit 1; }
	fi
	tool --db "$name" update-schema -d "/etc/temporal/schema/postgresql/v12/$db/versioned"
done
echo "setup-schema.sh: temporal and temporal_visibility are up to date"
