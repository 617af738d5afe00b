#!/usr/bin/env bash
# A dated backup of Steunpunt's database, keeping the newest KEEP of them. For cron or a
# systemd timer (deploy/steunpunt-backup.timer); quiet when all goes well, exit code ≠ 0 and
# one line on stderr when not.
#
#   deploy/backup.sh DIR [KEEP]        # KEEP: how many backups to keep (default 14)
#
# Writes DIR/steunpunt-YYYYMMDDTHHMMSSZ.backup (UTC). Restore one with
#   steunpunt db restore DIR/steunpunt-….backup --yes     (stop the bot first)
#
# Where the database is:
# - by default `steunpunt db backup` does the work, with the settings of the working directory's
#   .env or the environment (DATABASE_URL): run it from the folder the bot runs in. SQLite is
#   copied while the bot runs; PostgreSQL needs pg_dump (postgresql-client) on this machine.
#   STEUNPUNT names another command for it (default: steunpunt; e.g. /opt/steunpunt/venv/bin/steunpunt).
# - STEUNPUNT_COMPOSE="docker compose -f /opt/steunpunt/compose.yml": the PostgreSQL of
#   deploy/compose.yml, dumped with the pg_dump inside its db container (the same custom
#   format `steunpunt db backup` writes).
set -euo pipefail

dir=${1:?usage: backup.sh DIR [KEEP]}
keep=${2:-${KEEP:-14}}
if ! [[ $keep =~ ^[1-9][0-9]*$ ]]; then
    echo "backup.sh: KEEP must be a whole number of at least 1, not '$keep'" >&2
    exit 2
fi
mkdir -p "$dir"
file="$dir/steunpunt-$(date -u +%Y%m%dT%H%M%SZ).backup"

if [ -n "${STEUNPUNT_COMPOSE:-}" ]; then
    partial="$dir/.$(basename "$file").partial"
    trap 'rm -f "$partial"' EXIT
    # shellcheck disable=SC2016  # $POSTGRES_USER and $POSTGRES_DB are the container's own.
    ${STEUNPUNT_COMPOSE} exec -T db sh -c \
        'pg_dump --username="$POSTGRES_USER" --format=custom "$POSTGRES_DB"' >"$partial"
    mv "$partial" "$file"
else
    # shellcheck disable=SC2086  # STEUNPUNT may be a command with arguments.
    ${STEUNPUNT:-steunpunt} --log-level WARNING db backup "$file" >/dev/null
fi

# The newest KEEP stay; names sort by time. Other files in DIR are left alone.
shopt -s nullglob
backups=("$dir"/steunpunt-*.backup)
excess=$((${#backups[@]} - keep))
for ((i = 0; i < excess; i++)); do
    rm -f -- "${backups[$i]}"
done
