#!/usr/bin/env bash
# Live stream fan-out benchmark (release build, loopback only, bounded): 1,000 WebSocket clients of GET /v1/stream on
# one account (the demo user: every broadcast wakes all 1,000 streams, each reading the log: the worst case of the
# per-connection design), 20 events recorded and announced like the outbox does; p50/p99 delivery latency from the
# PUBLISH to each client's receipt, and the server's RSS.
# Usage: Benchmarks/websocket-fanout/run.sh [clients, default 1000] [rounds, default 20]
#   MONPS_BIN (default: the release build, built unless BENCH_SKIP_BUILD=1).
# Ports: MONPS_PG_PORT / MONPS_REDIS_PORT as for deploy/services.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source-path=SCRIPTDIR/../.. source=deploy/lib.sh
. deploy/lib.sh
clients=${1:-1000}
rounds=${2:-20}
port=${BENCH_PORT:-18092}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"  # a socket per client on both ends (the hard limit if lower)
bash deploy/install-deps.sh --bench >/dev/null
python3 -c 'import websockets' 2>/dev/null || pip install -q 'websockets==15.0.1'
bash deploy/services.sh start dev >/dev/null
eval "$(bash deploy/services.sh env dev)"
bin=$(monps_bench_binary "${MONPS_BIN:-}")
export MONPS_JWT_SECRETS=bench-secret-0123456789abcdef0123456789abcdef MONPS_PORT=$port MONPS_LOG_LEVEL=error
export MONPS_STREAM_MAX_PER_USER=$clients MONPS_JOBS=false
export MONPS_RATE_LIMITS='{"read":{"*":{"limit":1000000,"window":1}},"auth":{"*":{"limit":1000000,"window":1}}}'
$bin migrate >/dev/null
$bin demo seed >/dev/null
$bin serve & server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "localhost:$port/healthz" >/dev/null && break; sleep 0.2; done
echo "server RSS idle: $(grep VmRSS /proc/$server/status | awk '{print $2, $3}')"

token=$(curl -fs -X POST "localhost:$port/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"demo@monps.local","password":"MonPS-demo-2026!"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
user_id=$(curl -fs "localhost:$port/v1/me" -H "authorization: Bearer $token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
redis_port=$(python3 -c "import urllib.parse,os; print(urllib.parse.urlparse(os.environ['REDIS_URL']).port)")
BENCH_PORT=$port BENCH_TOKEN=$token BENCH_USER_ID=$user_id BENCH_CLIENTS=$clients BENCH_ROUNDS=$rounds \
BENCH_REDIS_PORT=$redis_port BENCH_SERVER_PID=$server BENCH_PSQL="psql $DATABASE_URL" \
  timeout 600 python3 Benchmarks/websocket-fanout/fanout.py
