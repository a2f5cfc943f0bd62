#!/bin/sh
# Runs once, on the first start of an empty volume (postgres image's docker-entrypoint-initdb.d).
# Separate roles: the app can't touch Temporal's tables, and Temporal's schema tool may create its DBs.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_pw="$APP_DB_PASSWORD" -v temporal_pw="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE complaints LOGIN PASSWORD :'app_pw';
ALTER DATABASE complaints OWNER TO complaints;
\connect complaints
ALTER SCHEMA public OWNER TO complaints;
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_pw';
SQL
