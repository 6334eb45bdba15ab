#!/usr/bin/env bash
# Rolling restart and crash drills through nginx, then throughput, on deploy/cluster.sh's topology (loopback, TLS):
#   1. rolling restart: under wrk load (GET /v1/opportunities, JWT), instance 1 gets SIGTERM (graceful drain) and is
#      started again, then instance 2: failed requests must be 0;
#   2. crash: instance 1 gets SIGKILL mid-load, and is started again: no failed (idempotent GET) request;
#   3. throughput of GET /v1/opportunities?limit=50: 1 instance direct (HTTP), nginx without TLS (2 instances),
#      nginx with TLS (2 instances), and nginx with TLS and a new connection (handshake) per request.
# "Failed" = wrk's socket errors (connect, read, write, timeout) + non-2xx answers.
#   Benchmarks/rolling-restart/run.sh [seconds per throughput phase, default 10]
#   MONPS_BIN (default: the release build, built unless BENCH_SKIP_BUILD=1); BENCH_KEEP_CLUSTER=1 leaves it running.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
# shellcheck source-path=SCRIPTDIR/../.. source=deploy/lib.sh
. deploy/lib.sh
duration=${1:-10}
bash deploy/install-deps.sh --bench --cluster >/dev/null
MONPS_BIN=$(monps_bench_binary "${MONPS_BIN:-}")
export MONPS_BIN
export MONPS_CLUSTER_DIR=${MONPS_CLUSTER_DIR:-$root/.var/cluster-bench}
export MONPS_CLUSTER_PLAIN_HTTP_PORT=${MONPS_CLUSTER_PLAIN_HTTP_PORT:-18480}
export MONPS_LOG_LEVEL=${MONPS_LOG_LEVEL:-warning}
# Limits so high that the limiter runs on every request but never refuses one (one benchmark user).
export MONPS_CLUSTER_EXTRA_ENV='MONPS_RATE_LIMITS={"read":{"*":{"limit":1000000,"window":1}},"auth":{"*":{"limit":1000000,"window":1}}}'
# shellcheck source-path=SCRIPTDIR/../.. source=deploy/cluster-lib.sh
. deploy/cluster-lib.sh
cluster() { bash deploy/cluster.sh "$@"; }
[[ ${BENCH_KEEP_CLUSTER:-0} == 1 ]] || trap 'cluster down >/dev/null 2>&1 || true' EXIT

cluster up >/dev/null 2>&1 || monps_die "cluster.sh up failed (logs: $MONPS_CLUSTER_DIR/logs)"
https="https://127.0.0.1:$cluster_https_port"
token=$(curl -sk -X POST "$https/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"demo@monps.local","password":"MonPS-demo-2026!"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')
path="/v1/opportunities?limit=50"

out_dir=$(mktemp -d /tmp/monps-rolling-XXXX)
# wrk_run NAME SECONDS CONNECTIONS URL [extra wrk args]: wrk's report in $out_dir/NAME.txt
wrk_run() {
    local name=$1 seconds=$2 connections=$3 url=$4
    shift 4
    wrk -t2 -c"$connections" -d"${seconds}s" --timeout 5s --latency -H "authorization: Bearer $token" "$@" "$url" \
        >"$out_dir/$name.txt" 2>&1 || true
}
failed() { # socket errors + non-2xx
    awk '/Socket errors/ { gsub(",", ""); e = $4 + $6 + $8 + $10 } /Non-2xx/ { n = $5 } END { print e + n + 0 }' "$out_dir/$1.txt"
}
requests() { awk '/requests in/ { print $1 }' "$out_dir/$1.txt"; }
rps() { awk '/Requests\/sec/ { printf "%.0f", $2 }' "$out_dir/$1.txt"; }
pct() { awk -v p="$2" '$1 == p { print $2 }' "$out_dir/$1.txt"; }
upstream_errors() { grep -c 'upstream' "$MONPS_CLUSTER_DIR/logs/nginx-error.log" 2>/dev/null || true; }
summary() { # NAME LABEL
    printf '  %-44s %8s req  %6s req/s  p50 %-8s p99 %-8s failed %s\n' "$2" "$(requests "$1")" "$(rps "$1")" \
        "$(pct "$1" 50%)" "$(pct "$1" 99%)" "$(failed "$1")"
}

printf '== 1. Rolling restart under load (wrk -c32, GET %s, nginx + TLS) ==\n' "$path"
errors_before=$(upstream_errors)
wrk_run rolling 30 32 "$https$path" &
wrk_pid=$!
sleep 3
for i in 1 2; do
    t=$(monps_now)
    cluster instance stop "$i" >/dev/null 2>&1
    stopped=$(monps_elapsed "$t")
    cluster instance start "$i" >/dev/null 2>&1
    printf '  instance %s: SIGTERM, drained and exited in %s; started and ready again after %s\n' "$i" "$stopped" "$(monps_elapsed "$t")"
    sleep 3
done
wait "$wrk_pid" || true
summary rolling "rolling restart of both instances"
printf '  nginx errors logged against an upstream (each one retried on the other instance): %s\n' "$(($(upstream_errors) - errors_before))"
rolling_failed=$(failed rolling)

printf '== 2. kill -9 of one instance under load ==\n'
errors_before=$(upstream_errors)
wrk_run crash 20 32 "$https$path" &
wrk_pid=$!
sleep 4
cluster instance kill 1 >/dev/null 2>&1
printf '  instance 1: SIGKILL\n'
sleep 6
cluster instance start 1 >/dev/null 2>&1
printf '  instance 1: started again\n'
wait "$wrk_pid" || true
summary crash "SIGKILL of instance 1, then restart"
printf '  nginx errors logged against an upstream (retried): %s\n' "$(($(upstream_errors) - errors_before))"
crash_failed=$(failed crash)

printf '== 3. Throughput, GET %s (cached in Redis + near cache), %ss each, 64 connections ==\n' "$path" "$duration"
wrk_run direct "$duration" 64 "http://127.0.0.1:${cluster_app_ports[0]}$path"
summary direct "1 instance direct (HTTP, no proxy)"
wrk_run plain "$duration" 64 "http://127.0.0.1:$MONPS_CLUSTER_PLAIN_HTTP_PORT$path"
summary plain "nginx HTTP → 2 instances"
wrk_run tls "$duration" 64 "$https$path"
summary tls "nginx TLS (keepalive) → 2 instances"
wrk_run handshake "$duration" 64 "$https$path" -H 'Connection: close'
summary handshake "nginx TLS, a handshake per request"
printf '  load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  wrk reports: %s\n' "$out_dir"

if [[ $rolling_failed -ne 0 || $crash_failed -ne 0 ]]; then
    printf 'RESULT: FAILED requests during the drills (rolling %s, kill -9 %s)\n' "$rolling_failed" "$crash_failed"
    exit 1
fi
printf 'RESULT: 0 failed requests during the rolling restart and the kill -9\n'
