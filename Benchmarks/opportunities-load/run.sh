#!/usr/bin/env bash
# Load benchmark of the opportunities list (release build, loopback only, bounded in time):
#   GET /v1/opportunities?sport=soccer_epl&limit=50 with a JWT, 64 connections, over 20,000 upcoming events and
#   200,000 active opportunities, in two phases:
#   1. uncached: the response cache switched off (MONPS_RESPONSE_CACHE=false), every request runs the query;
#   2. cached: served from the Redis response cache (the first request fills it).
# Authentication and rate limiting (Redis GCRA, limits raised so it never refuses) run on every request.
# Reports requests/s, p50/p99, the server's CPU seconds per 1,000 requests and the load average.
# Usage: Benchmarks/opportunities-load/run.sh [seconds per phase, default 20]
#   BENCH_PORT (18092), BENCH_DB (monps_bench_opps), BENCH_KEEP_DB=1 keeps the database (and reuses it),
#   BENCH_SKIP_BUILD=1 uses the release binary as it is, MONPS_BIN=path runs that binary instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source-path=SCRIPTDIR/../.. source=deploy/lib.sh
. deploy/lib.sh
here=Benchmarks/opportunities-load
duration=${1:-20}
port=${BENCH_PORT:-18092}
db=${BENCH_DB:-monps_bench_opps}
bash deploy/install-deps.sh --bench >/dev/null
bash deploy/services.sh start dev >/dev/null
eval "$(bash deploy/services.sh env dev)"
# BENCH_SKIP_BUILD=1 measures the binary already built (e.g. while a test build holds the build folder).
bin=$(monps_bench_binary "${MONPS_BIN:-}")
admin_url=$DATABASE_URL
export DATABASE_URL=${DATABASE_URL%/*}/$db
export MONPS_JWT_SECRETS=bench-secret-0123456789abcdef0123456789abcdef MONPS_PORT=$port MONPS_LOG_LEVEL=error
export MONPS_JOBS=false  # no detection run rewriting the seeded rows mid-measurement
# Limits high enough that the limiter runs on every request but never refuses one.
export MONPS_RATE_LIMITS='{"read":{"*":{"limit":1000000,"window":1}},"auth":{"*":{"limit":1000000,"window":1}}}'

server=""
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  [[ ${BENCH_KEEP_DB:-0} == 1 ]] || psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
}
trap cleanup EXIT

if ! psql -qtA "$admin_url" -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  psql -q "$admin_url" -c "CREATE DATABASE $db" >/dev/null
  $bin migrate >/dev/null
  $bin demo seed >/dev/null  # the demo accounts (and the demo's few events)
  start=$(date +%s.%N)
  psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f "$here/seed.sql" >/dev/null
  echo "seeded in $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s: $(psql -qtA "$DATABASE_URL" -c \
    "SELECT (SELECT count(*) FROM events WHERE starts_at > now()) || ' upcoming events, ' ||
            (SELECT count(*) FROM opportunities WHERE status = 'active') || ' active opportunities, ' ||
            (SELECT count(*) FROM opportunities WHERE status = 'active' AND sport_key = 'soccer_epl') || ' on soccer_epl'")"
else
  $bin migrate >/dev/null
fi
$bin relist  # the stored list entries of the seeded rows (SQL writes none)

workdir=$(mktemp -d)
trap 'cleanup; rm -rf "$workdir"' EXIT
ticks=$(getconf CLK_TCK)
url="http://127.0.0.1:$port/v1/opportunities?sport=soccer_epl&limit=50"

start_server() { # extra environment assignments
  env "$@" "$bin" serve & server=$!
  for _ in $(seq 100); do curl -fs "localhost:$port/healthz" >/dev/null && return; sleep 0.2; done
  echo "the server did not start" >&2
  exit 1
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }

phase() { # file name, title
  local name=$2 token c0 c1 out=$workdir/$1.txt
  token=$(curl -fs -X POST "localhost:$port/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"demo@monps.local","password":"MonPS-demo-2026!"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$token" > "$workdir/auth.lua"
  # One request by hand: the page is complete and says where it came from.
  curl -fs -D "$workdir/headers" -o "$workdir/body" -H "Authorization: Bearer $token" "$url"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["data"]) == 50, len(d["data"])' "$workdir/body"
  wrk -t2 -c64 -d5s -s "$workdir/auth.lua" "$url" >/dev/null  # warm up (pools, plans, caches)
  c0=$(cpu)
  wrk -t2 -c64 -d"${duration}s" --latency -s "$workdir/auth.lua" "$url" > "$out"
  c1=$(cpu)
  local reqs rps p50 p99 errors load
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  reqs=$(awk '/requests in/ {print $1}' "$out")
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p50=$(awk '$1=="50%" {print $2}' "$out")
  p99=$(awk '$1=="99%" {print $2}' "$out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' "$out")
  echo "$name: $rps req/s, p50 $p50, p99 $p99 ($reqs requests, $(wc -c < "$workdir/body") bytes each," \
    "$(tr -d '\r' < "$workdir/headers" | awk -F': ' 'tolower($1)=="x-cache" {print "X-Cache " $2}'))${errors:+ [$errors]}"
  python3 -c "print(f'  server CPU: {($c1-$c0)/$ticks:.2f} s = {($c1-$c0)/$ticks/$reqs*1000:.3f} CPU s per 1,000 requests; load average $load')"
}

start_server MONPS_RESPONSE_CACHE=false
phase uncached "uncached (GET /v1/opportunities?sport=soccer_epl&limit=50, 64 connections)"
stop_server
start_server MONPS_RESPONSE_CACHE=true
phase cached "cached (same, from the Redis response cache)"
stop_server
