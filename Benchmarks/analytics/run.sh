#!/usr/bin/env bash
# Latency of the analytics endpoints and throughput of the bet export (release build, loopback, one client):
#   one user (the demo account) with 100,000 settled bets over 3 years in 5 bankrolls (3 EUR, GBP, USD) and their
#   ledger (~200,000 entries). Each endpoint is called BENCH_REQUESTS times in a row (uncached: analytics are per
#   user and never shared) and its p50/p99 printed; then the full CSV, JSON array and JSON Lines exports are downloaded once each
#   with their size, time, throughput and the server's peak RSS (VmHWM) before and after.
# Usage: Benchmarks/analytics/run.sh
#   BENCH_PORT (18093), BENCH_DB (monps_bench_analytics), BENCH_REQUESTS (200), BENCH_KEEP_DB=1 keeps (and reuses) the
#   database, BENCH_SKIP_BUILD=1 uses the release binary as it is, MONPS_BIN=path runs that binary, BENCH_SCRATCH
#   (.build) is the build folder (another one, e.g. .build-release, lets the benchmark build while a test run holds
#   .build).
# Export MONPS_PG_PORT/MONPS_REDIS_PORT first when other engineers run servers on the same machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source-path=SCRIPTDIR/../.. source=deploy/lib.sh
. deploy/lib.sh
here=Benchmarks/analytics
port=${BENCH_PORT:-18093}
db=${BENCH_DB:-monps_bench_analytics}
requests=${BENCH_REQUESTS:-200}
bash deploy/install-deps.sh --bench >/dev/null
bash deploy/services.sh start dev >/dev/null
eval "$(bash deploy/services.sh env dev)"
bin=$(monps_bench_binary "${MONPS_BIN:-}" "${BENCH_SCRATCH:-.build}")
admin_url=$DATABASE_URL
export DATABASE_URL=${DATABASE_URL%/*}/$db
export MONPS_JWT_SECRETS=bench-secret-0123456789abcdef0123456789abcdef MONPS_PORT=$port MONPS_LOG_LEVEL=error
export MONPS_JOBS=false
export MONPS_RATE_LIMITS='{"read":{"*":{"limit":1000000,"window":1}},"auth":{"*":{"limit":1000000,"window":1}}}'

server=""
workdir=$(mktemp -d)
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  [[ ${BENCH_KEEP_DB:-0} == 1 ]] || psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

if ! psql -qtA "$admin_url" -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  psql -q "$admin_url" -c "CREATE DATABASE $db" >/dev/null
  $bin migrate >/dev/null
  $bin demo seed >/dev/null
  start=$(date +%s.%N)
  psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f "$here/seed.sql" >/dev/null
  echo "seeded in $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s: $(psql -qtA "$DATABASE_URL" -c \
    "SELECT (SELECT count(*) FROM bets b JOIN users u ON u.id = b.user_id WHERE u.email = 'demo@monps.local') || ' bets, ' ||
            (SELECT count(*) FROM bankroll_entries) || ' ledger entries'")"
else
  $bin migrate >/dev/null
fi

"$bin" serve & server=$!
for _ in $(seq 100); do curl -fs "localhost:$port/healthz" >/dev/null && break; sleep 0.2; done
token=$(curl -fs -X POST "localhost:$port/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"demo@monps.local","password":"MonPS-demo-2026!"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')
eur=$(psql -qtA "$DATABASE_URL" -c "SELECT id FROM bankrolls WHERE name = 'Bench 1'")

measure() { # name, path
  local out="$workdir/$1.txt"
  curl -fs -o /dev/null -H "authorization: Bearer $token" "localhost:$port$2"  # warm the connection pool
  for _ in $(seq "$requests"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "authorization: Bearer $token" "localhost:$port$2"
  done >"$out"
  python3 - "$1" "$out" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[2])]
bad = [r for r in rows if r[0] != "200"]
t = sorted(float(r[1]) * 1000 for r in rows)
pick = lambda q: t[min(len(t) - 1, int(q * len(t)))]
print(f"{sys.argv[1]:<28} n={len(t):4d} p50={pick(0.50):7.1f} ms  p99={pick(0.99):7.1f} ms" + (f"  NON-200: {len(bad)}" if bad else ""))
PY
}

echo "== analytics endpoints (currency=EUR, 60,000 bets; all time) =="
measure breakdown-bookmaker "/v1/analytics/breakdown?by=bookmaker&currency=EUR"
measure breakdown-month "/v1/analytics/breakdown?by=month&currency=EUR"
measure breakdown-odds-band "/v1/analytics/breakdown?by=odds_band&currency=EUR"
measure heatmap "/v1/analytics/heatmap?currency=EUR"
measure win-rate-week "/v1/analytics/win-rate?period=week&currency=EUR"
measure clv "/v1/analytics/clv?currency=EUR"
measure bankroll-curve-day "/v1/analytics/bankroll-curve?bankroll_id=$eur&interval=day"
measure breakdown-30d "/v1/analytics/breakdown?by=sport&currency=EUR&range=30d"

echo "== exports (all 100,000 bets) =="
rss() { awk '/VmHWM/ {print $2 / 1024 " MiB"}' "/proc/$server/status"; }
echo "server peak RSS before: $(rss)"
for format in csv json ndjson; do
  curl -fs -o "$workdir/export.$format" -w "$format: %{size_download} bytes in %{time_total} s\n" \
    -H "authorization: Bearer $token" "localhost:$port/v1/bets/export?format=$format" | python3 -c '
import sys
line = sys.stdin.read().split()
size, secs = int(line[1]), float(line[4])
print(f"{line[0]} {size / 1e6:.1f} MB in {secs:.2f} s = {size / 1e6 / secs:.1f} MB/s")'
  echo "  rows: $(($(wc -l <"$workdir/export.$format")))  server peak RSS after: $(rss)"
done
