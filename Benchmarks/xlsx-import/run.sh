#!/usr/bin/env bash
# .xlsx import benchmark: the same football-data rows as CSV and as an .xlsx workbook, each read by
# `monps import football-data --check` (the import's whole parse: container, cells, row parser, issues; no database,
# which costs the same for both). Prints rows per second of both and their ratio. Target (issue #18): xlsx ≥ 0.5 × CSV.
# Usage: Benchmarks/xlsx-import/run.sh [data dir, default MONPS_DATA_DIR or ../shared/data] [copies, default 20]
#        MONPS_BIN=path/to/monps to time an existing binary instead of building the release one (BENCH_SKIP_BUILD=1:
#        the release binary as it is).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source-path=SCRIPTDIR/../.. source=deploy/lib.sh
. deploy/lib.sh
data=${1:-${MONPS_DATA_DIR:-../shared/data}}
copies=${2:-20}
[ -f "$data/football/E0_2019-20.csv" ] || { echo "no football data in $data (pass the data dir)" >&2; exit 2; }
MONPS_BIN=$(monps_bench_binary "${MONPS_BIN:-}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rows=$(python3 Benchmarks/xlsx-import/make_workbook.py "$data/football/E0_2019-20.csv" "$copies" "$work/E0_bench")
echo "rows: $rows (E0_2019-20 × $copies, 106 columns); csv $(du -k "$work/E0_bench.csv" | cut -f1) KiB, xlsx $(du -k "$work/E0_bench.xlsx" | cut -f1) KiB"
# The two must parse to the same counts (rows, events, prices, skipped).
csv_counts=$("$MONPS_BIN" import football-data --check "$work/E0_bench.csv" | sed -n 2p | awk '{print $2,$3,$4,$5}')
xlsx_counts=$("$MONPS_BIN" import football-data --check "$work/E0_bench.xlsx" | sed -n 2p | awk '{print $2,$3,$4,$5}')
echo "parsed (rows events prices skipped): csv $csv_counts, xlsx $xlsx_counts"
[ "$csv_counts" = "$xlsx_counts" ] || { echo "the two files parse differently" >&2; exit 1; }

now() { date +%s.%N; }
best() {  # best of 5 wall times of the command
    local b=999999 t s
    for _ in 1 2 3 4 5; do
        s=$(now); "$@" >/dev/null; t=$(echo "$(now) - $s" | bc -l)
        b=$(echo "if ($t < $b) $t else $b" | bc -l)
    done
    echo "$b"
}
csv_time=$(best "$MONPS_BIN" import football-data --check "$work/E0_bench.csv")
xlsx_time=$(best "$MONPS_BIN" import football-data --check "$work/E0_bench.xlsx")
printf 'csv : %.3f s  %8.0f rows/s\n' "$csv_time" "$(echo "$rows / $csv_time" | bc -l)"
printf 'xlsx: %.3f s  %8.0f rows/s\n' "$xlsx_time" "$(echo "$rows / $xlsx_time" | bc -l)"
printf 'xlsx / csv speed: %.2f (target >= 0.50)\n' "$(echo "$csv_time / $xlsx_time" | bc -l)"
