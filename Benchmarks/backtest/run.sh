#!/usr/bin/env bash
# Backtest benchmark: `monps backtest` (release) over every football-data file of the shared data set, once per
# agent (A, B, C, consensus): parsing, mapping to markets, the replay and the 10,000-resample p-value, end to end.
# Target: under 1 s per agent. Uses hyperfine when installed, else 5 timed runs per agent (best and median).
# Usage: Benchmarks/backtest/run.sh [data dir, default MONPS_DATA_DIR or ../shared/data]
#   MONPS_BIN (default: the release build, built unless BENCH_SKIP_BUILD=1).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source-path=SCRIPTDIR/../.. source=deploy/lib.sh
. deploy/lib.sh
data=${1:-${MONPS_DATA_DIR:-../shared/data}}
[ -d "$data/football" ] || { echo "no football data in $data (pass the data dir)" >&2; exit 2; }
bin=$(monps_bench_binary "${MONPS_BIN:-}")
agents=(A B C consensus)

if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs 5 -N \
        "${agents[@]/#/$bin backtest --quiet --data $data/football --agent }"
    exit 0
fi

now() { date +%s.%N; }
printf '%-10s %8s %8s   %s\n' agent best median 'runs (s)'
for agent in "${agents[@]}"; do
    $bin backtest --quiet --data "$data/football" --agent "$agent" >/dev/null  # warm-up (page cache)
    times=()
    for _ in 1 2 3 4 5; do
        start=$(now)
        $bin backtest --quiet --data "$data/football" --agent "$agent" >/dev/null
        times+=("$(echo "$(now) - $start" | bc -l)")
    done
    sorted=$(printf '%s\n' "${times[@]}" | sort -g)
    printf '%-10s %8.3f %8.3f   %s\n' "$agent" "$(echo "$sorted" | head -1)" "$(echo "$sorted" | sed -n 3p)" \
        "$(printf '%.3f ' "${times[@]}")"
done
