#!/usr/bin/env bash
# Runs the whole test suite against throwaway PostgreSQL and Redis servers, then reports line
# coverage of the project's own sources. This is what CI runs (.ci/run).
#   deploy/test.sh [extra swift test arguments, e.g. --filter AuthTests]
# After the whole suite (no extra arguments), the contract test (deploy/contract-test.sh: schemathesis against the
# served OpenAPI document, four identities) runs against the same servers; MONPS_CONTRACT_TEST=0 skips it. Then the
# web app's end-to-end test (deploy/e2e-test.sh: headless Chromium, Playwright, axe-core); MONPS_E2E_TEST=0 skips it.
# Then the production topology (deploy/cluster-test.sh: nginx, replica, Prometheus rules, point-in-time restore);
# MONPS_CLUSTER_TEST=0 skips it.
# Before anything else, deploy/lint-layers.sh (HTTP types only at the edge, MonPSCore pure) runs on every run,
# filtered or not: it takes under a second, and an offence stops the run before anything is built.
# Exit status: swift test's when it fails; 1 when the layering lint or the build fails, the contract or e2e test finds a
# failure or coverage cannot be computed.
# Coverage below the goal prints a warning only (the goal is tracked, not enforced).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$MONPS_ROOT"

coverage_goal=80
t_start=$(monps_now)

# 0. Layering lint: one `file:line: [rule] …` line per offence, then stop (no services, no build).
if ! bash "$MONPS_DEPLOY_DIR/lint-layers.sh"; then
    monps_info "the layering lint failed (offences above; rules in deploy/lint-layers.sh): not building or testing"
    exit 1
fi

bash "$MONPS_DEPLOY_DIR/install-deps.sh"
monps_ensure_swift_path
toolchain_bin=$(monps_swift_toolchain_bin)

services() { bash "$MONPS_DEPLOY_DIR/services.sh" "$@"; }
smtp_sink() { bash "$MONPS_DEPLOY_DIR/smtp-sink.sh" "$@"; }

# Fresh, throwaway test state on every run (stops leftovers from an interrupted run first).
smtp_sink stop test
services wipe test
rm -rf "$(monps_var_dir)/test/smtp/mail"
services_up=0
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ $services_up -eq 1 ]]; then
        services stop test || true
        smtp_sink stop test || true
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
services_up=1
services start test
smtp_sink start test # a real SMTP server (aiosmtpd) saving what it receives, for the mail tests
eval "$(smtp_sink env test)"

MONPS_TEST_DATABASE_URL=$(monps_database_url test postgres) # the harness creates per-suite databases
MONPS_TEST_REDIS_URL=$(monps_redis_url test)
export MONPS_TEST_DATABASE_URL MONPS_TEST_REDIS_URL
if [[ -z "${MONPS_DATA_DIR:-}" && -d "$MONPS_ROOT/../shared/data" ]]; then
    MONPS_DATA_DIR=$(cd "$MONPS_ROOT/../shared/data" && pwd -P)
    export MONPS_DATA_DIR
fi
monps_info "MONPS_TEST_DATABASE_URL=$MONPS_TEST_DATABASE_URL"
monps_info "MONPS_TEST_REDIS_URL=$MONPS_TEST_REDIS_URL"
monps_info "MONPS_TEST_SMTP_PORT=$MONPS_TEST_SMTP_PORT (mail saved in $MONPS_TEST_SMTP_DIR)"
monps_info "MONPS_DATA_DIR=${MONPS_DATA_DIR:-(unset)}"

log_dir="$(monps_var_dir)/test"
mkdir -p "$log_dir"
test_log="$log_dir/swift-test.log"

# 1. Build (same flags as the test run below, so `swift test` finds nothing left to build).
t_build=$(monps_now)
monps_info "building (debug, tests, code coverage)"
set +e
swift build --build-tests --enable-code-coverage
build_rc=$?
set -e
build_time=$(monps_elapsed "$t_build")
if [[ $build_rc -ne 0 ]]; then
    monps_info "build failed after $build_time (exit $build_rc)"
    exit "$build_rc"
fi
monps_info "build finished in $build_time"

# 2. Test. Swift Testing runs tests in parallel in-process already.
# Remove the previous run's coverage data first, so that a failed run never reports stale numbers.
codecov_json=$(swift test --show-codecov-path 2>/dev/null | tail -n 1 || true)
if [[ -n "$codecov_json" && -d "$(dirname "$codecov_json")" ]]; then
    find "$(dirname "$codecov_json")" -maxdepth 1 -type f \( -name '*.profraw' -o -name '*.profdata' -o -name '*.json' \) -delete
fi
t_test=$(monps_now)
# Line-buffered (stdbuf reaches the test binary through the environment), so that the log is complete up to the
# moment a run is stopped; the whole run is bounded, and a run that hangs names the tests that never finished.
test_limit_minutes=${MONPS_TEST_TIME_LIMIT_MINUTES:-30}
set +e
timeout --kill-after=30s "${test_limit_minutes}m" stdbuf -oL -eL swift test --enable-code-coverage "$@" 2>&1 | tee "$test_log"
test_rc=${PIPESTATUS[0]}
set -e
test_time=$(monps_elapsed "$t_test")
if [[ $test_rc -eq 124 || $test_rc -eq 137 ]]; then
    monps_warn "the tests were stopped after ${test_limit_minutes} minutes; started and never finished:"
    awk '/^◇ (Test|Suite) .* started\.$/ { sub(/^◇ /, ""); sub(/ started\.$/, ""); if ($0 !~ /^Test (case passing|run$)/) open[$0] = 1 }
         /^(✔|✘|↪) (Test|Suite) / { line = $0; sub(/^(✔|✘|↪) /, "", line); sub(/( with [0-9]+ test cases?)? (passed|failed) after [0-9.]+ seconds.*$/, "", line); sub(/ skipped(:.*|\.)$/, "", line); delete open[line] }
         END { for (name in open) print "  " name }' "$test_log" >&2
fi

# 3. Whole-system steps, on the whole-suite run only (a filtered run is a developer's quick loop); each has its switch.
# run_step NAME SWITCH SCRIPT: runs SCRIPT unless SWITCH=0, leaving NAME_rc (exit status) and NAME_time.
run_step() {
    local name=$1 switch=$2 script=$3 started rc=0 elapsed="skipped"
    if [[ $whole_suite -eq 1 && "${!switch:-1}" != 0 ]]; then
        started=$(monps_now)
        set +e
        bash "$MONPS_DEPLOY_DIR/$script"
        rc=$?
        set -e
        elapsed=$(monps_elapsed "$started")
    fi
    printf -v "${name}_rc" '%s' "$rc"
    printf -v "${name}_time" '%s' "$elapsed"
}
whole_suite=0
[[ $# -eq 0 ]] && whole_suite=1
run_step contract MONPS_CONTRACT_TEST contract-test.sh # schemathesis against the served spec, four identities
run_step e2e MONPS_E2E_TEST e2e-test.sh               # the web app in headless Chromium
run_step cluster MONPS_CLUSTER_TEST cluster-test.sh   # the one-machine production topology

# 4. Line coverage of the project's own sources.
coverage_rc=0
coverage_line=""
compute_coverage() {
    local codecov_dir profdata bin_dir test_bin report total
    [[ -n "$codecov_json" ]] || {
        monps_warn "swift test --show-codecov-path printed nothing"
        return 1
    }
    codecov_dir=$(dirname "$codecov_json")
    profdata="$codecov_dir/default.profdata"
    if [[ ! -f "$profdata" ]]; then
        # swift test did not merge the raw profiles (it stops early on some failures): merge them here.
        local raws=()
        mapfile -t raws < <(find "$codecov_dir" -maxdepth 1 -name '*.profraw' 2>/dev/null)
        [[ ${#raws[@]} -gt 0 ]] || {
            monps_warn "no coverage data in $codecov_dir"
            return 1
        }
        "$toolchain_bin/llvm-profdata" merge -sparse "${raws[@]}" -o "$profdata" || return 1
    fi
    bin_dir=$(swift build --show-bin-path 2>/dev/null | tail -n 1)
    test_bin="$bin_dir/monpsPackageTests.xctest"
    if [[ -d "$test_bin" ]]; then # macOS: a bundle
        test_bin="$test_bin/Contents/MacOS/monpsPackageTests"
    fi
    [[ -f "$test_bin" ]] || {
        monps_warn "test binary not found: $test_bin"
        return 1
    }
    report="$log_dir/coverage.txt"
    "$toolchain_bin/llvm-cov" report "$test_bin" -instr-profile="$profdata" \
        -ignore-filename-regex='(\.build|Tests|/checkouts/|MonPSAPI/)' >"$report" || return 1
    cat "$report"
    # TOTAL  regions missed cover  functions missed executed  lines missed cover  [branches …]
    total=$(awk '$1 == "TOTAL" && $8 > 0 { printf "%.2f", ($8 - $9) * 100 / $8 }' "$report")
    [[ -n "$total" ]] || {
        monps_warn "no line of the project's sources was instrumented"
        return 1
    }
    coverage_line="Line coverage of MonPS sources: ${total}% (goal ≥ ${coverage_goal}%)"
    if awk -v t="$total" -v g="$coverage_goal" 'BEGIN { exit !(t < g) }'; then
        monps_warn "line coverage ${total}% is below the goal of ${coverage_goal}% (tracked, not enforced)"
    fi
}
printf '\n== Coverage (llvm-cov report; report in %s) ==\n' "$log_dir/coverage.txt"
if ! compute_coverage; then
    coverage_rc=1
    coverage_line="Line coverage of MonPS sources: unavailable"
fi
printf '%s\n' "$coverage_line"

# Stop the services now, so that their messages do not come after the summary below.
services stop test || true
smtp_sink stop test || true
services_up=0

printf '\nWall time: build %s, test %s, contract test %s, e2e test %s, cluster test %s, total %s\n' "$build_time" "$test_time" "$contract_time" "$e2e_time" "$cluster_time" "$(monps_elapsed "$t_start")"

# 5. Repeat swift test's closing summary last, where CI reads it (XCTest's, then Swift Testing's).
strip_ansi() { sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$test_log"; }
xctest_line=$(strip_ansi | grep -E 'Executed [0-9]+ tests?, with' | tail -n 1 || true)
testing_line=$(strip_ansi | grep -E 'Test run with [0-9]+ tests?' | tail -n 1 || true)
printf '\n'
if [[ -n "$xctest_line" ]] && { [[ -z "$testing_line" ]] || ! grep -q 'Executed 0 tests' <<<"$xctest_line"; }; then
    printf '%s\n' "$xctest_line"
fi
if [[ -n "$testing_line" ]]; then
    printf '%s\n' "$testing_line"
fi

if [[ $test_rc -ne 0 ]]; then
    exit "$test_rc"
fi
if [[ $contract_rc -ne 0 ]]; then
    monps_info "tests passed, but the contract test found failures (exit $contract_rc)"
    exit 1
fi
if [[ $e2e_rc -ne 0 ]]; then
    monps_info "tests passed, but the end-to-end test of the web app failed (exit $e2e_rc)"
    exit 1
fi
if [[ $cluster_rc -ne 0 ]]; then
    monps_info "tests passed, but the test of the production topology failed (exit $cluster_rc)"
    exit 1
fi
if [[ $coverage_rc -ne 0 ]]; then
    monps_info "tests passed, but coverage could not be computed"
    exit 1
fi
