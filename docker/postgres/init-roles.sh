#!/bin/sh
# Runs once, on the first start of an empty volume (postgres image's docker-entrypoint-initdb.d).
# Separate roles: the app can't touch Temporal's tables, and Temporal's schema tool may create its DBs.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_pw="$APP_DB_PASSWORD" -v service_pw="$SERVICE_DB_PASSWORD" -v temporal_pw="$TEMPORAL_DB_PASSWORD" <<'SQL'
-- `complaints` owns the schema and runs the migrations; the gateway and the workers log in as
-- `complaints_service`, a member of `complaint_app` (created by the migrations too, if missing):
-- row-level security applies to it (README, Security).
CREATE ROLE complaints LOGIN PASSWORD :'app_pw';
CREATE ROLE complaint_app NOLOGIN NOBYPASSRLS;
CREATE ROLE complaints_service LOGIN NOBYPASSRLS PASSWORD :'service_pw' IN ROLE complaint_app;
ALTER DATABASE complaints OWNER TO complaints;
\connect complaints
ALTER SCHEMA public OWNER TO complaints;
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_pw';
SQL
