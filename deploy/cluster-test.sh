#!/usr/bin/env bash
# Tests the one-machine production topology (deploy/cluster.sh) for real, on its own ports and state directory:
#   - the container files, offline (deploy/containers-check.sh: Kubernetes, compose and Grafana schemas, Dockerfile);
#   - the alert rules: promtool check rules + promtool test rules (deploy/prometheus/);
#   - the topology comes up: every process in `status`, HTTPS with HTTP/2, HSTS, /metrics not proxied;
#   - the client address: a spoofed X-Forwarded-For through nginx is replaced (audit records 127.0.0.1), one from a
#     trusted peer straight to an instance is believed;
#   - the replica streams (slot active) and shows a write made on the primary;
#   - Prometheus scrapes every instance and the ops textfile (backup age, replica lag present);
#   - a point-in-time restore (deploy/restore.sh --to-time) into a fresh cluster has the row counts and checksums of
#     users, bankrolls, ledger and bets the source had at that time, and not the later writes.
#   deploy/cluster-test.sh      run by deploy/test.sh after the Swift tests (MONPS_CLUSTER_TEST=0 skips it)
# The binary: MONPS_BIN, else the debug build deploy/test.sh just made.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$MONPS_ROOT"

bash "$MONPS_DEPLOY_DIR/install-deps.sh" --cluster

# Own ports and state: a developer's `cluster.sh up` keeps running beside this test. The database ports sit below
# Linux's ephemeral range (32768–60999): this test starts after the contract and e2e tests' thousands of client
# connections, and one whose local port was 55640 once kept the primary from binding it.
export MONPS_CLUSTER_DIR="${MONPS_CLUSTER_TEST_DIR:-$(monps_var_dir)/cluster-test}"
export MONPS_CLUSTER_PG_PORT=${MONPS_CLUSTER_TEST_PG_PORT:-25640}
export MONPS_CLUSTER_REPLICA_PORT=$((MONPS_CLUSTER_PG_PORT + 1))
export MONPS_CLUSTER_REDIS_PORT=${MONPS_CLUSTER_TEST_REDIS_PORT:-26640}
export MONPS_CLUSTER_APP_PORTS="${MONPS_CLUSTER_TEST_APP_PORTS:-18181 18182}"
export MONPS_CLUSTER_HTTPS_PORT=${MONPS_CLUSTER_TEST_HTTPS_PORT:-18443}
export MONPS_CLUSTER_OPS_METRICS_PORT=${MONPS_CLUSTER_TEST_OPS_PORT:-19201}
export MONPS_CLUSTER_PROMETHEUS_PORT=${MONPS_CLUSTER_TEST_PROMETHEUS_PORT:-19190}
export MONPS_CLUSTER_METRICS_INTERVAL=2
restore_port=$((MONPS_CLUSTER_PG_PORT + 9))
# shellcheck source-path=SCRIPTDIR source=cluster-lib.sh
. "$MONPS_DEPLOY_DIR/cluster-lib.sh"

if [[ -z "${MONPS_BIN:-}" ]]; then
    monps_ensure_swift_path
    MONPS_BIN="$(swift build --show-bin-path)/monps"
fi
export MONPS_BIN
[[ -x "$MONPS_BIN" ]] || monps_die "no monps binary at $MONPS_BIN: build first (swift build)"

failures=0
pass() { printf '  ok    %s\n' "$*"; }
fail() {
    printf '  FAIL  %s\n' "$*"
    failures=$((failures + 1))
}
check() { # DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

cluster() { bash "$MONPS_DEPLOY_DIR/cluster.sh" "$@"; }
restored_data=""
cleanup() {
    local rc=$?
    if [[ -n "$restored_data" ]]; then cluster_pg_ctl "$restored_data" -m immediate stop >/dev/null 2>&1 || true; fi
    cluster wipe >/dev/null 2>&1 || true
    exit "$rc"
}
trap cleanup EXIT

printf '== Container files ==\n'
if bash "$MONPS_DEPLOY_DIR/containers-check.sh"; then :; else fail "container files (deploy/containers-check.sh)"; fi

printf '== Alert rules ==\n'
check "promtool check rules" promtool check rules "$MONPS_DEPLOY_DIR/prometheus/alerts.yml"
check "promtool test rules" bash -c "cd '$MONPS_DEPLOY_DIR/prometheus' && promtool test rules alerts-test.yml >/dev/null"

printf '== Topology ==\n'
cluster wipe >/dev/null 2>&1 || true
t_up=$(monps_now)
cluster up >"$(monps_var_dir)/cluster-test-up.log" 2>&1 || {
    tail -n 40 "$(monps_var_dir)/cluster-test-up.log" >&2
    monps_die "cluster.sh up failed"
}
pass "cluster.sh up in $(monps_elapsed "$t_up")"
if status_out=$(cluster status); then pass "status: every process runs"; else fail "status: $status_out"; fi
printf '%s\n' "$status_out" | sed 's/^/        /'
[[ $(printf '%s\n' "$status_out" | wc -l) -eq $((8 + ${#cluster_app_ports[@]})) ]] || fail "status prints one line per process"

base="https://127.0.0.1:$MONPS_CLUSTER_HTTPS_PORT"
check "HTTPS answers over HTTP/2" test "$(curl -sk --http2 -o /dev/null -w '%{http_version}' "$base/healthz")" = 2
headers=$(curl -sk -D - -o /dev/null "$base/v1/sports")
check "HSTS on every answer" grep -qi '^strict-transport-security: max-age=63072000' <<<"$headers"
check "X-Content-Type-Options once" test "$(grep -ci '^x-content-type-options:' <<<"$headers")" = 1
check "/metrics is not proxied" test "$(curl -sk -o /dev/null -w '%{http_code}' "$base/metrics")" = 404

printf '== Client address ==\n'
psql_primary() { cluster_psql "$cluster_pg_port" -d "$MONPS_DB_NAME" -tA -c "$1"; }
register() { # URL EMAIL → HTTP status
    curl -sk -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -H 'X-Forwarded-For: 203.0.113.66' \
        -d "{\"email\":\"$2\",\"password\":\"Quartz-Lantern-47-Meadow\",\"display_name\":\"Ops\"}" "$1/v1/auth/register"
}
audit_ip() { psql_primary "SELECT a.ip FROM audit_log a JOIN users u ON a.target_id = u.id::text WHERE a.action = 'user.registered' AND u.email = '$1'"; }
stamp=$(date +%s%N)
check "register through nginx" test "$(register "$base" "via-nginx-$stamp@example.com")" = 201
check "a spoofed X-Forwarded-For through nginx is replaced: audit has 127.0.0.1" test "$(audit_ip "via-nginx-$stamp@example.com")" = 127.0.0.1
check "register straight to an instance" test "$(register "http://127.0.0.1:${cluster_app_ports[0]}" "direct-$stamp@example.com")" = 201
check "from a trusted peer the forwarded address is believed" test "$(audit_ip "direct-$stamp@example.com")" = 203.0.113.66

printf '== Replica ==\n'
check "the replica streams through its slot" test "$(psql_primary "SELECT count(*) FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid WHERE r.state = 'streaming' AND s.slot_name = '$cluster_slot'")" = 1
replica_sees() {
    local deadline=$((SECONDS + 10))
    until [[ "$(cluster_psql "$cluster_replica_port" -d "$MONPS_DB_NAME" -tA -c "SELECT count(*) FROM users WHERE email = '$1'")" == 1 ]]; do
        [[ $SECONDS -lt $deadline ]] || return 1
        sleep 0.2
    done
}
check "a write on the primary is visible on the replica" replica_sees "via-nginx-$stamp@example.com"
if cluster_psql "$cluster_replica_port" -d "$MONPS_DB_NAME" -c "DELETE FROM users WHERE false" >/dev/null 2>&1; then
    fail "the replica accepted a write"
else
    pass "the replica refuses writes (read-only hot standby)"
fi

printf '== Monitoring ==\n'
ops_metrics() { curl -fs "http://127.0.0.1:$MONPS_CLUSTER_OPS_METRICS_PORT/metrics"; }
backup_done() {
    local deadline=$((SECONDS + 60))
    until ops_metrics 2>/dev/null | grep -Eq '^monps_backup_last_success_timestamp_seconds [1-9]'; do
        [[ $SECONDS -lt $deadline ]] || return 1
        sleep 1
    done
}
check "the agent took a base backup and exports its time" backup_done
check "the ops textfile has the replica lag" bash -c "curl -fs http://127.0.0.1:$MONPS_CLUSTER_OPS_METRICS_PORT/metrics | grep -q '^monps_replica_lag_bytes{replica='"
targets_up() {
    local deadline=$((SECONDS + 45)) json
    while true; do
        json=$(curl -fs "http://127.0.0.1:$MONPS_CLUSTER_PROMETHEUS_PORT/api/v1/targets?state=active" || true)
        if python3 -c 'import json,sys; t=json.load(sys.stdin)["data"]["activeTargets"]; sys.exit(0 if len(t) >= int(sys.argv[1]) and all(x["health"]=="up" for x in t) else 1)' \
            "$((${#cluster_app_ports[@]} + 2))" <<<"$json" 2>/dev/null; then
            return 0
        fi
        [[ $SECONDS -lt $deadline ]] || {
            printf '%s\n' "$json" >&2
            return 1
        }
        sleep 2
    done
}
check "Prometheus scrapes every instance, the ops textfile and itself" targets_up
check "Prometheus loaded the alert rules" bash -c "curl -fs http://127.0.0.1:$MONPS_CLUSTER_PROMETHEUS_PORT/api/v1/rules | grep -q MonPSBaseBackupTooOld"

printf '== Point-in-time restore ==\n'
fingerprint() { # PORT → one line per table: name count md5
    local port=$1 table
    for table in users bankrolls bankroll_entries bets; do
        cluster_psql "$port" -d "$MONPS_DB_NAME" -tA -c \
            "SELECT '$table', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM $table t"
    done
}
# A base backup taken now, so the restore replays the WAL written after it (not the one from the start). Only it is
# kept, so the WAL archive is pruned to what it needs: the restore below proves that is enough.
archived_segments() { find "$(cluster_wal_archive)" -maxdepth 1 -type f -regextype posix-extended -regex '.*/[0-9A-F]{24}' -printf '%f\n' | sort; }
segments_before=$(archived_segments | wc -l)
backup_log="$(monps_var_dir)/cluster-test-backup.log"
if ! MONPS_CLUSTER_BASE_BACKUP_KEEP=1 bash "$MONPS_DEPLOY_DIR/cluster-agent.sh" --backup-now >"$backup_log" 2>&1; then
    fail "base backup (log: $backup_log)"
    tail -n 20 "$backup_log" >&2
fi
kept_backup=$(find "$(cluster_base_backups)" -mindepth 1 -maxdepth 1 -type d -name '20*Z' | sort)
kept_start=$(monps_as_pg_user tar -xzOf "$kept_backup/base.tar.gz" backup_label | sed -n 's/^START WAL LOCATION: .*(file \([0-9A-F]\{24\}\)).*$/\1/p')
pruned() { # nothing older than the kept backup's start (the archiver may copy an older segment late: the agent's
    # loop prunes again every MONPS_CLUSTER_METRICS_INTERVAL seconds)
    local deadline=$((SECONDS + 45)) oldest
    while true; do
        oldest=$(archived_segments | head -n 1)
        [[ -n "$kept_start" && ( -z "$oldest" || ! "$oldest" < "$kept_start" ) ]] && return 0
        [[ $SECONDS -lt $deadline ]] || return 1
        sleep 1
    done
}
if [[ $segments_before -gt 0 ]] && pruned; then
    pass "WAL archive pruned to the kept backup's start ($kept_start): $segments_before segment(s) before, $(archived_segments | wc -l) now"
else
    fail "WAL archive not pruned (kept backup starts at '$kept_start', oldest segment '$(archived_segments | head -n 1)', $segments_before before)"
fi
sleep 1.1
before=$(fingerprint "$cluster_pg_port")
sleep 1.1
target=$(psql_primary "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
sleep 1.1
# Later writes, which the restore must not contain.
register "$base" "after-target-$stamp@example.com" >/dev/null
psql_primary "SELECT pg_switch_wal()" >/dev/null
segment=$(psql_primary "SELECT pg_walfile_name(pg_current_wal_lsn())")
archived() {
    local deadline=$((SECONDS + 30))
    until [[ "$(psql_primary "SELECT coalesce(last_archived_wal, '') >= '$segment' OR (SELECT count(*) FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready') = 0 FROM pg_stat_archiver")" == t ]]; do
        [[ $SECONDS -lt $deadline ]] || return 1
        sleep 0.5
    done
}
check "the WAL past the target is archived" archived
after=$(fingerprint "$cluster_pg_port")
[[ "$before" != "$after" ]] || fail "the later writes changed nothing (the test would prove nothing)"
t_restore=$(monps_now)
if out=$(bash "$MONPS_DEPLOY_DIR/restore.sh" --to-time "$target" --port "$restore_port" 2>"$(monps_var_dir)/cluster-test-restore.log"); then
    restored_data=${out% *}
    pass "restore.sh --to-time '$target' in $(monps_elapsed "$t_restore")"
    restored=$(fingerprint "$restore_port")
    if [[ "$restored" == "$before" ]]; then
        pass "restored counts and checksums equal the source's at the target time:"
        printf '%s\n' "$restored" | sed 's/^/        /'
    else
        fail "restored tables differ from the source at the target time"
        diff <(printf '%s\n' "$before") <(printf '%s\n' "$restored") >&2 || true
    fi
    check "the restored cluster accepts writes (promoted)" cluster_psql "$restore_port" -d "$MONPS_DB_NAME" -c "CREATE TEMP TABLE t (x int)"
else
    fail "restore.sh --to-time (log: $(monps_var_dir)/cluster-test-restore.log)"
    tail -n 20 "$(monps_var_dir)/cluster-test-restore.log" >&2
fi

printf '\n'
if [[ $failures -gt 0 ]]; then
    monps_info "cluster test: $failures failure(s)"
    exit 1
fi
monps_info "cluster test: all checks passed"
