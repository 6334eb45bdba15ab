#!/usr/bin/env bash
# Import benchmark: all of the football-data files of the shared data set into an empty database with
# `monps import` (parse, participants/events, COPY into staging, set-based inserts into the partitioned
# odds_snapshots with its unique index, latest and closing prices, import record), against a plain
# `psql \copy` of the very same snapshot rows into the same table (same partitions, same index).
# Usage: Benchmarks/import-copy/run.sh [data dir, default ../shared/data or MONPS_DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:-${MONPS_DATA_DIR:-../shared/data}}
[ -d "$data/football" ] || { echo "no football data in $data (pass the data dir)" >&2; exit 2; }
bash deploy/install-deps.sh --bench >/dev/null
bash deploy/services.sh start dev >/dev/null
eval "$(bash deploy/services.sh env dev)"
swift build -c release --product monps >/dev/null
bin=.build/release/monps
db=monps_bench_import
base=${DATABASE_URL%/*}
psql -q "$base/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
export DATABASE_URL="$base/$db" MONPS_LOG_LEVEL=error
$bin migrate >/dev/null
now() { date +%s.%N; }

start=$(now)
$bin import football-data --quiet "$data/football" >/dev/null
import_s=$(echo "$(now) - $start" | bc -l)
rows=$(psql -tAq "$DATABASE_URL" -c "SELECT count(*) FROM odds_snapshots")

# The same rows, resolved to ids, as psql would load them.
dump=$(mktemp)
trap 'rm -f "$dump"; psql -q "$base/postgres" -c "DROP DATABASE IF EXISTS $db" 2>/dev/null' EXIT
psql -q "$DATABASE_URL" -c "\\copy (SELECT event_id, bookmaker_id, market, outcome, point, price, captured_at, source FROM odds_snapshots) TO '$dump'"
psql -q "$DATABASE_URL" -c "TRUNCATE odds_snapshots" -c "CHECKPOINT" 2>/dev/null || psql -q "$DATABASE_URL" -c "TRUNCATE odds_snapshots"
start=$(now)
psql -q "$DATABASE_URL" -c "\\copy odds_snapshots (event_id, bookmaker_id, market, outcome, point, price, captured_at, source) FROM '$dump'"
copy_s=$(echo "$(now) - $start" | bc -l)

printf 'snapshots:                 %d\n' "$rows"
printf 'monps import (end to end): %.2f s  %8.0f snapshots/s\n' "$import_s" "$(echo "$rows / $import_s" | bc -l)"
printf 'psql \\copy (rows only):    %.2f s  %8.0f snapshots/s\n' "$copy_s" "$(echo "$rows / $copy_s" | bc -l)"
printf 'ratio import / raw COPY:   %.2f\n' "$(echo "$copy_s / $import_s" | bc -l)"
