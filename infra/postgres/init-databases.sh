#!/bin/sh
# Run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d), as its superuser.
# One database per service and two login roles: <service>_owner owns the database (its migrations and replays
# run as it) and <service>, the role the service runs as, may only connect; its migrations grant it rows and
# no more (backbone.migrations.grant_runtime_privileges). No other role may connect, so no service can read
# another service's tables. Passwords come from the environment (<SERVICE>_DB_PASSWORD and
# <SERVICE>_OWNER_DB_PASSWORD, see .env.example): there are no defaults.
set -eu
SERVICES="placements health education leaving_care indicators"

password_of() {
  printenv "$(echo "$1" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD" || true
}

owner_password_of() {
  printenv "$(echo "$1" | tr '[:lower:]' '[:upper:]')_OWNER_DB_PASSWORD" || true
}

# Every password first, so that a missing one creates nothing.
if [ -z "${GRAFANA_DB_PASSWORD:-}" ]; then
  echo "init-databases: GRAFANA_DB_PASSWORD is not set" >&2
  exit 1
fi
for service in $SERVICES; do
  if [ -z "$(password_of "$service")" ]; then
    echo "init-databases: $(echo "$service" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD is not set" >&2
    exit 1
  fi
  if [ -z "$(owner_password_of "$service")" ]; then
    echo "init-databases: $(echo "$service" | tr '[:lower:]' '[:upper:]')_OWNER_DB_PASSWORD is not set" >&2
    exit 1
  fi
done

for service in $SERVICES; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
       -v service="$service" -v owner="${service}_owner" -v password="$(password_of "$service")" \
       -v owner_password="$(owner_password_of "$service")" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"service" LOGIN PASSWORD :'password';
CREATE DATABASE :"service" OWNER :"owner";
REVOKE ALL ON DATABASE :"service" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"service" TO :"service";
SQL
done

# Grafana reads the KPI history: it may connect to the indicators database, and the indicators migrations
# grant it SELECT on kpi_history alone (no table that names a child).
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v password="$GRAFANA_DB_PASSWORD" <<'SQL'
CREATE ROLE grafana_reader LOGIN PASSWORD :'password';
GRANT CONNECT ON DATABASE indicators TO grafana_reader;
SQL
