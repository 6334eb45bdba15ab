#!/usr/bin/env bash
# Point-in-time restore of deploy/cluster.sh's primary into a fresh PostgreSQL cluster (the running one is untouched):
# the newest complete base backup that started before TIME, then the archived WAL replayed up to TIME, then promoted.
#   deploy/restore.sh --to-time TIME [--port PORT] [--data DIR]
#     TIME   a timestamp PostgreSQL reads, with its zone: '2026-12-05 21:30:00+00'
#     PORT   where the restored cluster listens on 127.0.0.1 (default 55549); it is left running
#     DIR    its data directory (default <cluster pg root>/restored-<UTC now>)
# Prints the data directory and port on success; stop it with: pg_ctl -D DIR stop (as the postgres user).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=cluster-lib.sh
. "$MONPS_DEPLOY_DIR/cluster-lib.sh"

usage() { printf 'usage: %s --to-time TIME [--port PORT] [--data DIR]\n' "$(basename "$0")"; }

target_time=""
port=55549
data=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --to-time | --port | --data)
            [[ $# -ge 2 ]] || {
                usage >&2
                exit 2
            }
            case "$1" in
                --to-time) target_time=$2 ;;
                --port) port=$2 ;;
                --data) data=$2 ;;
            esac
            shift 2
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
done
[[ -n "$target_time" ]] || {
    usage >&2
    exit 2
}
target_epoch=$(date -u -d "$target_time" +%s 2>/dev/null) || monps_die "cannot read the time '$target_time'"
[[ -n "$data" ]] || data="$(cluster_pg_root)/restored-$(date -u +%Y%m%dT%H%M%SZ)"
[[ ! -e "$data" ]] || monps_die "$data exists: restore into a fresh directory"
monps_require_free_port "$port" "the restored PostgreSQL" --port "deploy/restore.sh --to-time … --port <port>"

# The newest complete base backup whose start (its directory name) precedes the target.
backup=""
while read -r candidate; do
    [[ -f "$candidate/COMPLETE" ]] || continue
    name=$(basename "$candidate")
    started=$(date -u -d "${name:0:4}-${name:4:2}-${name:6:2} ${name:9:2}:${name:11:2}:${name:13:2} UTC" +%s)
    if [[ $started -lt $target_epoch ]]; then backup=$candidate; fi
done < <(find "$(cluster_base_backups)" -mindepth 1 -maxdepth 1 -type d -name '20*Z' | sort)
[[ -n "$backup" ]] || monps_die "no complete base backup in $(cluster_base_backups) started before $target_time"
monps_info "restoring $backup, then WAL from $(cluster_wal_archive) up to $target_time, into $data"

mkdir -p "$data"
chmod 700 "$data"
tar -xzf "$backup/base.tar.gz" -C "$data"
mkdir -p "$data/pg_wal"
tar -xzf "$backup/pg_wal.tar.gz" -C "$data/pg_wal"
rm -f "$data/standby.signal" "$data/postmaster.pid"
if monps_is_root; then chown -R postgres:postgres "$data"; fi
cluster_write_pg_conf "$data" "$port" restore "$(printf "restore_command = 'cp %s/%%f %%p'\nrecovery_target_time = '%s'\nrecovery_target_action = 'promote'\nrecovery_target_inclusive = false" \
    "$(cluster_wal_archive)" "${target_time//\'/}")"
# The restored copy never archives into, nor streams from, the live cluster's places.
printf '' >"$data/postgresql.auto.conf"
touch "$data/recovery.signal"
if monps_is_root; then chown postgres:postgres "$data/recovery.signal" "$data/postgresql.auto.conf"; fi

cluster_start_pg "$data" "$port" "restored PostgreSQL"
deadline=$((SECONDS + ${MONPS_SERVICE_TIMEOUT:-120}))
until [[ "$(cluster_psql "$port" -d postgres -tA -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" == f ]]; do
    [[ $SECONDS -lt $deadline ]] || monps_die "the restored cluster did not finish recovery (log: $data/../$(basename "$data").log)"
    sleep 0.5
done
monps_info "restored to $target_time and promoted: 127.0.0.1:$port, data $data"
printf '%s %s\n' "$data" "$port"
