#!/usr/bin/env bash
# Load benchmark of the access layer (release build, loopback only, bounded in time):
#   1. GET /v1/me with a JWT: authenticated, rate-limited (Redis GCRA), one PostgreSQL lookup per request.
#   2. The same read load while a login flood runs (argon2id must not stall the reads).
# Reports requests/s, p50/p99 and the server's CPU seconds per 1,000 requests.
# Usage: Benchmarks/auth-load/run.sh [seconds per phase, default 20]
#   MONPS_BIN (default: the release build, built unless BENCH_SKIP_BUILD=1).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source-path=SCRIPTDIR/../.. source=deploy/lib.sh
. deploy/lib.sh
duration=${1:-20}
port=${BENCH_PORT:-18090}
bash deploy/install-deps.sh --bench >/dev/null
bash deploy/services.sh start dev >/dev/null
eval "$(bash deploy/services.sh env dev)"
bin=$(monps_bench_binary "${MONPS_BIN:-}")
export MONPS_JWT_SECRETS=bench-secret-0123456789abcdef0123456789abcdef MONPS_PORT=$port MONPS_LOG_LEVEL=error
# Limits high enough that the limiter runs on every request but never refuses one.
export MONPS_RATE_LIMITS='{"read":{"*":{"limit":1000000,"window":1}},"auth":{"*":{"limit":1000000,"window":1}}}'
$bin migrate >/dev/null
$bin demo seed >/dev/null
$bin serve & server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "localhost:$port/healthz" >/dev/null && break; sleep 0.2; done

token=$(curl -fs -X POST "localhost:$port/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"demo@monps.local","password":"MonPS-demo-2026!"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
workdir=$(mktemp -d)
cat > "$workdir/read.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA
cat > "$workdir/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- A wrong password costs the same argon2id work as a right one and is not throttled by count here.
wrk.body = '{"email":"demo@monps.local","password":"MonPS-demo-2026!"}'
LUA

cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
ticks=$(getconf CLK_TCK)
phase() { # name, wrk output file
  local reqs p50 p99 rps
  reqs=$(awk '/requests in/ {print $1}' "$2")
  rps=$(awk '/Requests\/sec/ {print $2}' "$2")
  p50=$(awk '$1=="50%" {print $2}' "$2")
  p99=$(awk '$1=="99%" {print $2}' "$2")
  echo "$1: $rps req/s, p50 $p50, p99 $p99 ($reqs requests)"
}

wrk -t2 -c32 -d5s -s "$workdir/read.lua" "http://127.0.0.1:$port/v1/me" >/dev/null   # warm up
c0=$(cpu)
wrk -t2 -c32 -d"${duration}s" --latency -s "$workdir/read.lua" "http://127.0.0.1:$port/v1/me" > "$workdir/read.txt"
c1=$(cpu)
phase "authenticated read (GET /v1/me, 32 connections)" "$workdir/read.txt"
reads=$(awk '/requests in/ {print $1}' "$workdir/read.txt")
python3 -c "print(f'server CPU: {($c1-$c0)/$ticks:.2f} s for $reads requests = {($c1-$c0)/$ticks/$reads*1000:.3f} CPU s per 1,000 requests')"

wrk -t1 -c8 -d"$((duration + 4))s" --latency -s "$workdir/login.lua" "http://127.0.0.1:$port/v1/auth/login" > "$workdir/login.txt" &
flood=$!
sleep 2
wrk -t1 -c32 -d"${duration}s" --latency -s "$workdir/read.lua" "http://127.0.0.1:$port/v1/me" > "$workdir/read-flood.txt"
wait $flood
phase "same read during a login flood" "$workdir/read-flood.txt"
phase "login flood (POST /v1/auth/login, 8 connections)" "$workdir/login.txt"
rm -rf "$workdir"
