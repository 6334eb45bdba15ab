#!/usr/bin/env bash
# Outbox throughput (issue 17): N events, each with a generic (signed) webhook delivery, sent by one
# `monps worker` to a keep-alive sink on loopback. Prints deliveries per second.
#   Benchmarks/outbox-throughput/run.sh [monps binary]   (default: the release build; BENCH_SKIP_BUILD=1 skips it)
#   OUTBOX_EVENTS (default 20000), OUTBOX_WEBHOOKS (webhooks the events are spread over, default 4),
#   OUTBOX_CONCURRENCY (MONPS_DELIVERY_CONCURRENCY, default 32), OUTBOX_SINK_PORT (default 18099).
# Uses the test profile's databases (deploy/services.sh start test; MONPS_PG_PORT/MONPS_REDIS_PORT move them)
# and a database of its own, monps_bench_outbox, created anew each run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
# shellcheck source-path=SCRIPTDIR/../.. source=deploy/lib.sh
. deploy/lib.sh
bin=$(monps_bench_binary "${1:-}")
events=${OUTBOX_EVENTS:-20000} webhooks=${OUTBOX_WEBHOOKS:-4} concurrency=${OUTBOX_CONCURRENCY:-32}
sink_port=${OUTBOX_SINK_PORT:-18099} api_port=${OUTBOX_API_PORT:-18098}

deploy/services.sh start test >/dev/null
eval "$(deploy/services.sh env test)"
admin_url=$MONPS_TEST_DATABASE_URL
psql -q "$admin_url" -c 'DROP DATABASE IF EXISTS monps_bench_outbox' -c 'CREATE DATABASE monps_bench_outbox'
export DATABASE_URL=${admin_url%/*}/monps_bench_outbox
export MONPS_JWT_SECRETS=outbox-bench-secret-0123456789abcdef0123456789
export MONPS_DATA_KEY=$(printf '5a%.0s' $(seq 32))
export MONPS_WEBHOOK_ALLOW_HOSTS=127.0.0.1 MONPS_WEBHOOK_GENERIC_RATE=100000 MONPS_LOG_LEVEL=warning
export MONPS_RATE_LIMITS='{"auth":{"*":{"limit":1000,"window":60}},"write":{"*":{"limit":100000,"window":60}}}'
"$bin" migrate >/dev/null

pids=()
trap 'for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done' EXIT
python3 "$here/sink.py" "$sink_port" >/tmp/monps-outbox-sink.log 2>&1 &
sink_pid=$!
pids+=("$sink_pid")

# The account and its webhooks through the API (targets are sealed with MONPS_DATA_KEY), with no worker running.
MONPS_PORT=$api_port MONPS_JOBS=false MONPS_DELIVERY=false "$bin" serve >/tmp/monps-outbox-serve.log 2>&1 &
serve_pid=$!
pids+=("$serve_pid")
for _ in $(seq 200); do curl -fs "localhost:$api_port/healthz" >/dev/null && break; sleep 0.1; done
curl -fs -X POST "localhost:$api_port/v1/auth/register" -H 'content-type: application/json' \
    -d '{"email":"bench@example.com","password":"Quartz-Lantern-47-Meadow","display_name":"Bench"}' >/dev/null
token=$(curl -fs -X POST "localhost:$api_port/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"bench@example.com","password":"Quartz-Lantern-47-Meadow"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')
for i in $(seq "$webhooks"); do
    curl -fs -X POST "localhost:$api_port/v1/notifications/webhooks" -H "authorization: Bearer $token" \
        -H 'content-type: application/json' \
        -d "{\"kind\":\"generic\",\"name\":\"bench $i\",\"events\":[\"bet.settled\"],\"url\":\"http://127.0.0.1:$sink_port/hook/$i\"}" >/dev/null
done
kill -TERM "$serve_pid"; wait "$serve_pid" || true

# N events, spread over the webhooks, all due now.
psql -q "$DATABASE_URL" <<SQL
INSERT INTO notification_events (user_id, type, subject, payload)
SELECT u.id, 'bet.settled', 'bench-' || g,
       '{"bet_id":"b","event":"Arsenal v Chelsea","selection":"Arsenal","odds":2.1,"stake":1000,"currency":"EUR","status":"won","profit":1100,"payout":2100}'::jsonb
FROM users u, generate_series(1, $events) g WHERE u.email = 'bench@example.com';
INSERT INTO notification_deliveries (event_id, user_id, channel, webhook_id)
SELECT e.id, e.user_id, 'webhook', (SELECT id FROM webhooks ORDER BY id OFFSET (e.id % $webhooks) LIMIT 1)
FROM notification_events e;
SQL

start=$(date +%s.%N)
MONPS_DELIVERY=true MONPS_DELIVERY_CONCURRENCY=$concurrency MONPS_DELIVERY_POLL_MS=50 \
    "$bin" worker >/tmp/monps-outbox-worker.log 2>&1 &
worker_pid=$!
pids+=("$worker_pid")
while :; do
    left=$(psql -tA "$DATABASE_URL" -c "SELECT count(*) FROM notification_deliveries WHERE status <> 'delivered'")
    [[ "$left" == 0 ]] && break
    sleep 0.2
done
end=$(date +%s.%N)
kill -TERM "$worker_pid"; wait "$worker_pid" || true
kill -TERM "$sink_pid"; wait "$sink_pid" || true

echo "events: $events over $webhooks webhooks, worker concurrency $concurrency"
psql -tA "$DATABASE_URL" -c "
SELECT 'delivered: ' || count(*) || ', deliveries/s (first to last delivered_at): '
       || round(count(*) / greatest(extract(epoch FROM max(delivered_at) - min(delivered_at)), 0.001))
       || ', attempts > 1: ' || count(*) FILTER (WHERE attempts > 1)
FROM notification_deliveries"
awk -v n="$events" -v s="$start" -v e="$end" 'BEGIN { printf "wall (worker start to all delivered): %.2f s, %.0f deliveries/s\n", e - s, n / (e - s) }'
tail -1 /tmp/monps-outbox-sink.log
