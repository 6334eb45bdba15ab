#!/usr/bin/env bash
# Import benchmark: all of the football-data files of the shared data set into an empty database with
# `monps import` (parse, participants/events, COPY of the prices into the partitioned odds_snapshots with its
# unique index, latest and closing prices, import record; one transaction per file), against a plain
# `psql \copy` of the very same snapshot rows into the same table (same partitions, same index).
# Usage: Benchmarks/import-copy/run.sh [data dir, default ../shared/data or MONPS_DATA_DIR]
#   MONPS_BIN (default: the release build, built unless BENCH_SKIP_BUILD=1).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source-path=SCRIPTDIR/../.. source=deploy/lib.sh
. deploy/lib.sh
data=${1:-${MONPS_DATA_DIR:-../shared/data}}
[ -d "$data/football" ] || { echo "no football data in $data (pass the data dir)" >&2; exit 2; }
bash deploy/install-deps.sh --bench >/dev/null
bash deploy/services.sh start dev >/dev/null
eval "$(bash deploy/services.sh env dev)"
bin=$(monps_bench_binary "${MONPS_BIN:-}")
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

# The same rows, resolved to ids, as psql would load them; then also the derived latest/closing rows the import
# writes in the same transaction (for a like-for-like figure).
dump=$(mktemp -d)
trap 'rm -rf "$dump"; psql -q "$base/postgres" -c "DROP DATABASE IF EXISTS $db" 2>/dev/null' EXIT
cols="event_id, bookmaker_id, market, outcome, point, price, captured_at"
psql -q "$DATABASE_URL" -c "\\copy (SELECT $cols, source FROM odds_snapshots) TO '$dump/snapshots'" \
    -c "\\copy (SELECT $cols FROM latest_odds) TO '$dump/latest'" -c "\\copy (SELECT $cols FROM closing_odds) TO '$dump/closing'"
derived=$(psql -tAq "$DATABASE_URL" -c "SELECT (SELECT count(*) FROM latest_odds) + (SELECT count(*) FROM closing_odds)")
psql -q "$DATABASE_URL" -c "TRUNCATE odds_snapshots, latest_odds, closing_odds"
start=$(now)
psql -q "$DATABASE_URL" -c "\\copy odds_snapshots ($cols, source) FROM '$dump/snapshots'"
copy_s=$(echo "$(now) - $start" | bc -l)
start=$(now)
psql -q "$DATABASE_URL" -c "\\copy latest_odds ($cols) FROM '$dump/latest'" -c "\\copy closing_odds ($cols) FROM '$dump/closing'"
derived_s=$(echo "$(now) - $start" | bc -l)

printf 'load average at the end:          %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'snapshots:                        %d (+ %d latest/closing rows written with them)\n' "$rows" "$derived"
printf 'monps import (end to end):        %6.2f s  %8.0f snapshots/s\n' "$import_s" "$(echo "$rows / $import_s" | bc -l)"
printf 'psql \\copy of the snapshot rows:  %6.2f s  %8.0f snapshots/s\n' "$copy_s" "$(echo "$rows / $copy_s" | bc -l)"
printf 'ratio import / raw COPY:          %6.2f\n' "$(echo "$copy_s / $import_s" | bc -l)"
printf 'raw COPY of all rows the import writes: %.2f s → ratio %.2f\n' "$(echo "$copy_s + $derived_s" | bc -l)" \
    "$(echo "($copy_s + $derived_s) / $import_s" | bc -l)"
