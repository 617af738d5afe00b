#!/usr/bin/env bash
# Restore a backup (deploy/backup.sh or `steunpunt db backup`, PostgreSQL) into the PostgreSQL of
# deploy/compose.yml, with the pg_restore and psql inside its db container. Everything in the
# database is replaced, in one transaction: if anything fails, the database is left as it was.
#
#   docker compose -f deploy/compose.yml stop bot          # (and bot2 … in the webhook variant)
#   deploy/restore-compose.sh backups/steunpunt-….backup
#   docker compose -f deploy/compose.yml start bot         # upgrades the schema if need be
#
# STEUNPUNT_COMPOSE: the compose command (default: docker compose -f <this folder>/compose.yml).
set -euo pipefail

file=${1:?usage: restore-compose.sh FILE}
if [ ! -f "$file" ]; then
    echo "restore-compose.sh: there is no backup file $file" >&2
    exit 2
fi
if [ "$(head -c 5 "$file")" != PGDMP ]; then
    echo "restore-compose.sh: $file is not a PostgreSQL backup (pg_dump's custom format)" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
compose=${STEUNPUNT_COMPOSE:-docker compose -f $here/compose.yml}

# The backup goes into the container first: all of it must be there before anything is dropped.
# shellcheck disable=SC2086  # the compose command is several words.
${compose} exec -T db sh -c 'cat > /tmp/steunpunt-restore.dump' <"$file"
# shellcheck disable=SC2016,SC2086  # $POSTGRES_USER and $POSTGRES_DB are the container's own.
${compose} exec -T db sh -c '
    status=0
    pg_restore --clean --if-exists --no-owner --file=/tmp/steunpunt-restore.sql \
        /tmp/steunpunt-restore.dump &&
    psql --no-psqlrc --quiet --output=/dev/null --single-transaction --set=ON_ERROR_STOP=1 \
        --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" \
        --command="SET client_min_messages = warning" \
        --command="DROP SCHEMA IF EXISTS public CASCADE" \
        --command="CREATE SCHEMA public" \
        --file=/tmp/steunpunt-restore.sql || status=$?
    rm -f /tmp/steunpunt-restore.dump /tmp/steunpunt-restore.sql
    exit $status'
echo "Restored $file; start the bot again: it upgrades the schema if the backup is older."
