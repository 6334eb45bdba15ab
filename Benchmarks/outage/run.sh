#!/usr/bin/env bash
# The outage drill of issue #21, as an operator would run it: wrk on GET /v1/bets through a PostgreSQL
# stop/start, then SIGTERM. Prints the status counts seen during the run and whether the server stopped.
#   Benchmarks/outage/run.sh [monps binary]   (default: the release build; BENCH_SKIP_BUILD=1 skips building)
# Uses the dev profile's databases (deploy/services.sh start dev) and port 8081. Needs wrk (install-deps.sh --bench).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
# shellcheck source-path=SCRIPTDIR/../.. source=deploy/lib.sh
. deploy/lib.sh
bin=$(monps_bench_binary "${1:-}")
stop_after=${OUTAGE_STOP_AFTER:-4} outage=${OUTAGE_SECONDS:-3} duration=${OUTAGE_WRK_SECONDS:-15}

deploy/services.sh start dev >/dev/null
eval "$(deploy/services.sh env dev)"
MONPS_JWT_SECRETS=$(cat .var/dev/jwt-secret 2>/dev/null || printf 'outage-drill-secret-0123456789abcdef0123')
MONPS_PORT=8081
export MONPS_JWT_SECRETS MONPS_PORT MONPS_RATE_LIMITS='{"read":{"*":{"limit":1000000,"window":60}}}'
[[ -f .var/dev/data-key ]] && export MONPS_DATA_KEY=$(cat .var/dev/data-key)
"$bin" migrate >/dev/null
"$bin" demo seed >/dev/null

log=$(mktemp /tmp/monps-outage-XXXX.log)
"$bin" serve >"$log" 2>&1 &
pid=$!
trap 'kill -KILL $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "localhost:$MONPS_PORT/healthz" >/dev/null && break; sleep 0.1; done
token=$(curl -s -X POST "localhost:$MONPS_PORT/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"demo@monps.local","password":"MonPS-demo-2026!"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')

script=$(mktemp /tmp/monps-outage-XXXX.lua)
cat >"$script" <<'LUA'
local statuses = {}
response = function(status) statuses[status] = (statuses[status] or 0) + 1 end
done = function(summary, latency, requests)
  io.write(string.format("timeouts=%d connect_errors=%d read_errors=%d\n",
    summary.errors.timeout, summary.errors.connect, summary.errors.read))
end
LUA
# wrk's response() runs per thread; count statuses from the server log instead.
wrk -t2 -c32 -d"${duration}s" --timeout 2s -H "authorization: Bearer $token" "http://127.0.0.1:$MONPS_PORT/v1/bets?limit=50" \
    -s "$script" >/tmp/monps-outage-wrk.txt 2>&1 &
wrk_pid=$!
sleep "$stop_after"
pg_data=$(readlink -f .var/dev/pg)/data
echo "stopping PostgreSQL for ${outage}s"
(cd / && runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | tail -1)/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null)
sleep "$outage"
deploy/services.sh start dev >/dev/null
echo "PostgreSQL back"
wait "$wrk_pid" || true
cat /tmp/monps-outage-wrk.txt | grep -E "requests in|Non-2xx|timeout|Requests/sec" || true
echo "statuses logged by the server:"
grep -o 'status=[0-9]*' "$log" | sort | uniq -c
sleep 1
echo "SIGTERM to $pid"
kill -TERM "$pid"
start=$(date +%s.%N)
for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
    echo "RESULT: still running 20 s after SIGTERM (log: $log)"
    exit 1
fi
wait "$pid" && rc=0 || rc=$?
printf 'RESULT: exited with status %s after %.1f s (log: %s)\n' "$rc" "$(echo "$(date +%s.%N) - $start" | bc)" "$log"
