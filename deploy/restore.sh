#!/usr/bin/env bash
# Restores a pg_dump -Fc file (from deploy/backup.sh) into the running dev cluster's monps database,
# replacing what is there (pg_restore --clean --if-exists, in one transaction).
#   deploy/restore.sh [--yes] [--profile dev|test] FILE
# Asks for confirmation unless --yes.
# Point in time, from deploy/cluster.sh's base backups and WAL archive, into a fresh cluster (restore-pitr.sh):
#   deploy/restore.sh --to-time TIME [--port PORT] [--data DIR]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ " $* " == *" --to-time "* ]]; then
    exec bash "$MONPS_DEPLOY_DIR/restore-pitr.sh" "$@"
fi

usage() { printf 'usage: %s [--yes] [--profile dev|test] FILE | --to-time TIME [--port PORT] [--data DIR]\n' "$(basename "$0")"; }

yes=0
profile=dev
file=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        -y | --yes) yes=1 ;;
        --profile)
            [[ $# -ge 2 ]] || { usage >&2; exit 2; }
            profile=$2
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        -*)
            usage >&2
            exit 2
            ;;
        *)
            [[ -z "$file" ]] || { usage >&2; exit 2; }
            file=$1
            ;;
    esac
    shift
done
[[ -n "$file" ]] || { usage >&2; exit 2; }
monps_check_profile "$profile"
[[ -f "$file" ]] || monps_die "no such file: $file"

pg_bin=$(monps_pg_bin)
pg_port=$(monps_pg_port "$profile")
"$pg_bin/pg_restore" --list "$file" >/dev/null 2>&1 ||
    monps_die "$file is not a pg_dump custom-format archive (make one with deploy/backup.sh)"
"$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -t 2 ||
    monps_die "PostgreSQL ($profile) is not running on 127.0.0.1:$pg_port: start it with deploy/services.sh start $profile"

target="database $MONPS_DB_NAME at 127.0.0.1:$pg_port ($profile)"
if [[ $yes -ne 1 ]]; then
    [[ -t 0 ]] || monps_die "no terminal to confirm on: pass --yes to replace the $target"
    read -r -p "Replace the contents of the $target with $file? [y/N] " answer
    case "$answer" in
        y | Y | yes | YES) ;;
        *)
            monps_info "cancelled"
            exit 1
            ;;
    esac
fi

monps_info "restoring $file into the $target"
PGPASSWORD=$MONPS_DB_PASSWORD "$pg_bin/pg_restore" --clean --if-exists --no-owner --single-transaction \
    --exit-on-error -h 127.0.0.1 -p "$pg_port" -U "$MONPS_DB_USER" -d "$MONPS_DB_NAME" "$file"
monps_info "restored. Redis is not touched: its caches refill by themselves (deploy/backup.sh explains how to restore a Redis snapshot)."
