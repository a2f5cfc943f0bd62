#!/bin/sh
# Creates/migrates Temporal's two databases. Idempotent (create ignores an existing DB,
# setup-schema -v 0.0 keeps a newer version, update-schema applies only missing versions),
# so it runs on every `docker compose up` and upgrades the schema when the image is bumped.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
PORT="${DB_PORT:-5432}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

echo "waiting for ${POSTGRES_SEEDS}:${PORT}…"
until nc -z "$POSTGRES_SEEDS" "$PORT"; do sleep 1; done

for db in temporal temporal_visibility; do
  case "$db" in temporal) dir=temporal ;; *) dir=visibility ;; esac
  tool="temporal-sql-tool --plugin postgres12 --ep $POSTGRES_SEEDS -p $PORT -u $POSTGRES_USER --db $db"
  $tool create
  $tool setup-schema -v 0.0
  $tool update-schema -d "$SCHEMA_DIR/$dir/versioned"
done
echo "Temporal schema is up to date"
