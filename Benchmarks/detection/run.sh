#!/usr/bin/env bash
# Detection benchmark: one full `monps detect` run (release) over ~1,000,000 stored odds snapshots of ~1,900
# upcoming events (8 bookmakers incl. Pinnacle, h2h/spreads/totals, 10 polls over the last 3 hours, some
# steamed lines and lagging books; see seed.sql), in a database of its own that is dropped afterwards.
# Target: under 2 s. The first run inserts every opportunity; the following runs are the steady state of the
# job (the same selections found again: updates), of which the median is the figure.
# Usage: Benchmarks/detection/run.sh      (EVENTS=1904 POLLS=10 RUNS=3 KEEP_DB=1 MONPS_BIN=… BENCH_SKIP_BUILD=1 to override / keep the database)
# Honours MONPS_PG_PORT / MONPS_REDIS_PORT like deploy/services.sh (dev profile).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source-path=SCRIPTDIR/../.. source=deploy/lib.sh
. deploy/lib.sh
events=${EVENTS:-1904}
polls=${POLLS:-10}
runs=${RUNS:-3}
bash deploy/install-deps.sh --bench >/dev/null
bash deploy/services.sh start dev >/dev/null
eval "$(bash deploy/services.sh env dev)"
# MONPS_BIN=path/to/monps runs another build (a debug one for a quick check); the figure is the release build's.
bin=$(monps_bench_binary "${MONPS_BIN:-}")
db=monps_bench_detect
base=${DATABASE_URL%/*}
psql -q "$base/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
[[ -n "${KEEP_DB:-}" ]] || trap 'psql -q "$base/postgres" -c "DROP DATABASE IF EXISTS $db" 2>/dev/null' EXIT
export DATABASE_URL="$base/$db" MONPS_LOG_LEVEL=error
$bin migrate >/dev/null
now() { date +%s.%N; }

start=$(now)
psql -q "$DATABASE_URL" -v events="$events" -v polls="$polls" -f Benchmarks/detection/seed.sql >/dev/null
printf 'seeded in %.1f s: ' "$(echo "$(now) - $start" | bc -l)"
psql -tAq "$DATABASE_URL" -c "SELECT format('%s snapshots (%s in the last 3 h), %s latest prices, %s events',
    (SELECT count(*) FROM odds_snapshots), (SELECT count(*) FROM odds_snapshots WHERE captured_at >= now() - interval '3 hours'),
    (SELECT count(*) FROM latest_odds), (SELECT count(*) FROM events))"

printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'run 1 (inserts): %s\n' "$($bin detect --json)"
elapsed=()
for i in $(seq 2 $((runs + 1))); do
    out=$($bin detect --json)
    printf 'run %d (updates): %s\n' "$i" "$out"
    elapsed+=("$(sed -E 's/.*"elapsed_ms": ([0-9.]+).*/\1/' <<<"$out")")
done
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
median=$(printf '%s\n' "${elapsed[@]}" | sort -g | sed -n "$(((runs + 1) / 2))p")
printf 'median of %d steady-state runs: %s ms (target < 2000 ms)\n' "$runs" "$median"
psql -tAq "$DATABASE_URL" -c "SELECT 'opportunities by agents: ' || string_agg(n || ' ' || a, ', ' ORDER BY a)
    FROM (SELECT array_to_string(agents, '+') a, count(*) n FROM opportunities WHERE status = 'active' GROUP BY 1) x"
