#!/bin/sh
# PostgreSQL's first start (docker-entrypoint-initdb.d): the role temporal, owning Temporal's
# databases temporal and temporal_visibility, and the role ilm, owning ILM's store ilm. Their
# passwords come from the stack's secrets; none is written anywhere else.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
	-v temporal_pw="$(cat /run/secrets/temporal_db_password)" \
	-v ilm_pw="$(cat /run/secrets/ilm_db_password)" <<'SQL'
CREATE ROLE temporal LOGIN PASSWORD :'temporal_pw';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
CREATE ROLE ilm LOGIN PASSWORD :'ilm_pw';
CREATE DATABASE ilm OWNER ilm;
SQL
