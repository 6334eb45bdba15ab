#!/usr/bin/env bash
# The cluster's housekeeping loop, started by deploy/cluster.sh (one process, stopped with SIGTERM):
#   - a base backup (pg_basebackup, tar + gzip) at start when there is none, then every
#     MONPS_CLUSTER_BASE_BACKUP_INTERVAL seconds (default 21600); the newest MONPS_CLUSTER_BASE_BACKUP_KEEP (3) are kept,
#     and the WAL archive keeps what the oldest of them needs (older segments are removed: no restore can use them);
#   - every MONPS_CLUSTER_METRICS_INTERVAL seconds (15), the ops metrics textfile that nginx serves to Prometheus:
#     backup and WAL-archive age, replica lag, job runs by status, Odds API credits used.
# Why a textfile and not the worker: backups and replication are outside the application (a MonPS that is down must
# not hide a backup that is late), and the same file is what node_exporter's textfile collector reads in production.
#   deploy/cluster-agent.sh [--once | --backup-now]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=cluster-lib.sh
. "$MONPS_DEPLOY_DIR/cluster-lib.sh"

interval=${MONPS_CLUSTER_BASE_BACKUP_INTERVAL:-21600}
keep=${MONPS_CLUSTER_BASE_BACKUP_KEEP:-3}
metrics_interval=${MONPS_CLUSTER_METRICS_INTERVAL:-15}
metrics_dir="$(cluster_dir)/ops-metrics"
mkdir -p "$metrics_dir"
chmod 755 "$metrics_dir"

# Complete base backups (their COMPLETE marker written), oldest first. One in progress is not a backup yet: it
# neither counts as the newest (the backup-age metric, the schedule) nor as the oldest (the WAL cleanup).
complete_backups() {
    find "$(cluster_base_backups)" -mindepth 1 -maxdepth 1 -type d -name '20*Z' -exec test -f '{}/COMPLETE' ';' -print \
        2>/dev/null | sort
}
newest_backup() { complete_backups | tail -n 1; }

# One base backup at a time, between the loop and `--backup-now` (a second backup started while the first was
# still running, and each removed the other's folder). `--wait` waits for the lock; otherwise a busy lock skips.
with_backup_lock() {
    local wait=(-n) busy=0
    if [[ "$1" == --wait ]]; then wait=(-w 1800) busy=1; shift; fi
    mkdir -p "$(cluster_base_backups)"
    (flock "${wait[@]}" 9 || exit "$busy"; "$@") 9>"$(cluster_base_backups)/.lock"
}

# The loop's backup: when the newest complete one is older than the interval.
backup_if_due() {
    local newest last=0
    newest=$(newest_backup)
    if [[ -n "$newest" ]]; then last=$(cat "$newest/COMPLETE"); fi
    [[ $(($(date +%s) - last)) -ge $interval ]] || return 0
    base_backup
}

# A base backup into base-backups/<UTC start>; complete only once its COMPLETE marker exists.
base_backup() {
    local stamp target
    # One backup per second at most: a backup asked for (--backup-now) just after the scheduled one must not reuse
    # its folder, which pg_basebackup refuses.
    while stamp=$(date -u +%Y%m%dT%H%M%SZ) && [[ -e "$(cluster_base_backups)/$stamp" ]]; do sleep 1; done
    target="$(cluster_base_backups)/$stamp"
    monps_info "base backup into $target"
    if ! (cd / && monps_as_pg_user env PGPASSWORD="$cluster_repl_password" "$(monps_pg_bin)/pg_basebackup" \
        -h 127.0.0.1 -p "$cluster_pg_port" -U "$cluster_repl_user" -D "$target" -Ft -z -X stream -c fast); then
        monps_warn "base backup failed"
        rm -rf "$target"
        return 1
    fi
    date -u +%s >"$target/COMPLETE"
    # Older backups beyond the newest $keep go, then the WAL that only they needed.
    find "$(cluster_base_backups)" -mindepth 1 -maxdepth 1 -type d -name '20*Z' | sort | head -n "-$keep" | xargs -r rm -rf
    # The backup is taken: a cleanup that fails only warns (the next round tries again).
    prune_wal_archive || monps_warn "WAL archive cleanup failed"
}

# The WAL segment a base backup starts from, from the backup_label inside its base.tar.gz.
backup_start_segment() {
    monps_as_pg_user tar -xzOf "$1/base.tar.gz" backup_label 2>/dev/null \
        | sed -n 's/^START WAL LOCATION: .*(file \([0-9A-F]\{24\}\)).*$/\1/p'
}

# A point-in-time restore replays the archive from its base backup's start: segments older than the start of the
# oldest backup kept can serve no restore, and would fill the disk. pg_archivecleanup removes exactly those.
prune_wal_archive() {
    local oldest start
    oldest=$(complete_backups | sed -n 1p)
    [[ -n "$oldest" ]] || return 0
    start=$(backup_start_segment "$oldest")
    [[ -n "$start" ]] || { monps_warn "no start segment in $oldest: the WAL archive is left as it is"; return 0; }
    monps_as_pg_user "$(monps_pg_bin)/pg_archivecleanup" "$(cluster_wal_archive)" "$start" \
        || monps_warn "WAL archive cleanup failed"
}

sql_value() { cluster_psql "$cluster_pg_port" -d "$MONPS_DB_NAME" -tA -c "$1" 2>/dev/null || true; }

write_metrics() {
    # A name of its own: the loop and a `--backup-now` may write at the same time (one mv then lost the other's file).
    local tmp="$metrics_dir/ops.prom.$$.tmp" newest last_backup=0 line
    newest=$(newest_backup)
    if [[ -n "$newest" ]]; then last_backup=$(cat "$newest/COMPLETE"); fi
    {
        printf '# HELP monps_backup_last_success_timestamp_seconds End of the newest complete base backup (0: none).\n'
        printf '# TYPE monps_backup_last_success_timestamp_seconds gauge\n'
        printf 'monps_backup_last_success_timestamp_seconds %s\n' "$last_backup"
        printf '# HELP monps_wal_archive_last_success_timestamp_seconds Last WAL segment archived (pg_stat_archiver).\n'
        printf '# TYPE monps_wal_archive_last_success_timestamp_seconds gauge\n'
        printf 'monps_wal_archive_last_success_timestamp_seconds %s\n' \
            "$(sql_value "SELECT coalesce(extract(epoch FROM last_archived_time)::bigint, 0) FROM pg_stat_archiver")"
        printf '# TYPE monps_wal_archive_failed_total counter\n'
        printf 'monps_wal_archive_failed_total %s\n' "$(sql_value "SELECT failed_count FROM pg_stat_archiver")"
        printf '# HELP monps_replica_connected Streaming replicas attached to the primary.\n# TYPE monps_replica_connected gauge\n'
        printf 'monps_replica_connected %s\n' "$(sql_value "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")"
        printf '# HELP monps_replica_lag_bytes WAL the replica has not replayed yet.\n# TYPE monps_replica_lag_bytes gauge\n'
        printf '# HELP monps_replica_replay_lag_seconds Replay lag reported by the primary (0 when idle).\n'
        printf '# TYPE monps_replica_replay_lag_seconds gauge\n'
        sql_value "SELECT application_name, coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint,
                          coalesce(extract(epoch FROM replay_lag), 0) FROM pg_stat_replication" |
            while IFS='|' read -r name bytes seconds; do
                [[ -n "$name" ]] || continue
                printf 'monps_replica_lag_bytes{replica="%s"} %s\n' "$name" "$bytes"
                printf 'monps_replica_replay_lag_seconds{replica="%s"} %s\n' "$name" "$seconds"
            done
        printf '# HELP monps_job_runs Job runs recorded in job_runs, by job and status (only grows).\n# TYPE monps_job_runs gauge\n'
        sql_value "SELECT job, status, count(*) FROM job_runs GROUP BY job, status ORDER BY 1, 2" |
            while IFS='|' read -r job status count; do
                [[ -n "$job" ]] && printf 'monps_job_runs{job="%s",status="%s"} %s\n' "$job" "$status" "$count"
            done
        printf '# HELP monps_odds_api_credits_used_24h Odds API credits spent by the runs of the last 24 hours.\n'
        printf '# TYPE monps_odds_api_credits_used_24h gauge\n'
        line=$(sql_value "SELECT coalesce(sum(credits_used), 0) FROM job_runs WHERE started_at > now() - interval '24 hours'")
        printf 'monps_odds_api_credits_used_24h %s\n' "${line:-0}"
        printf '# HELP monps_ops_agent_last_run_timestamp_seconds When this file was written.\n'
        printf '# TYPE monps_ops_agent_last_run_timestamp_seconds gauge\n'
        printf 'monps_ops_agent_last_run_timestamp_seconds %s\n' "$(date +%s)"
    } >"$tmp"
    chmod 644 "$tmp"
    mv "$tmp" "$metrics_dir/ops.prom"
}

case "${1:-}" in
    --once)
        write_metrics
        exit 0
        ;;
    --backup-now)
        with_backup_lock --wait base_backup
        write_metrics
        exit 0
        ;;
    "") ;;
    *) monps_die "usage: $(basename "$0") [--once | --backup-now]" ;;
esac

trap 'exit 0' TERM INT
mkdir -p "$(cluster_base_backups)"
while true; do
    with_backup_lock backup_if_due || true
    write_metrics || monps_warn "could not write the ops metrics"
    # Again on every round: a segment the archiver copied only after the last backup's cleanup goes too.
    prune_wal_archive || true
    # In the background, so that SIGTERM is handled at once.
    sleep "$metrics_interval" &
    wait $! || true
done
