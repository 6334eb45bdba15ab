#!/usr/bin/env bash
# End-to-end test of the web app: headless Chromium (Debian's) driven by Playwright for Python against a real
# `monps serve` with a fresh, migrated and demo-seeded database. deploy/test.sh runs it after the whole suite
# (MONPS_E2E_TEST=0 skips it); it also runs alone:
#   deploy/e2e-test.sh                 (builds nothing: uses the debug binary of `swift build --build-tests --enable-code-coverage`)
#   deploy/e2e-test.sh --serve         (only starts the server with demo data and waits: for looking at the app)
# Installs what it needs, idempotently: apt `chromium` (as root), and in .var/e2e/venv: playwright,
# axe-playwright-python, pytest. Screenshots of every page (390 and 1280 px wide): .var/test/screenshots/.
# Environment: MONPS_E2E_PORT (default 18531), MONPS_PG_PORT / MONPS_REDIS_PORT (test profile servers, started if
# needed), MONPS_E2E_ARGS (extra pytest arguments, e.g. "-k login").
# Exit status: pytest's (0 when every test passed); 1 when the server does not start.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$MONPS_ROOT"

serve_only=0
[[ "${1:-}" == "--serve" ]] && serve_only=1
t_start=$(monps_now)
work_dir="$(monps_var_dir)/e2e"
log_dir="$work_dir/logs"
shots="$(monps_var_dir)/test/screenshots"
mkdir -p "$log_dir" "$shots"

# 1. Chromium from Debian (Playwright cannot download a browser here) and the Python packages, only when missing.
if [[ $serve_only -eq 0 ]]; then
    if [[ ! -x /usr/bin/chromium ]]; then
        monps_is_root || monps_die "chromium is missing: sudo apt-get install -y chromium"
        monps_info "installing chromium (apt)"
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -q update >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -q install -y --no-install-recommends chromium fonts-dejavu-core >/dev/null
    fi
    venv="$work_dir/venv"
    if ! "$venv/bin/python" -c 'import playwright, axe_playwright_python, pytest' 2>/dev/null; then
        monps_info "installing playwright, axe-playwright-python and pytest in $venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check playwright axe-playwright-python pytest
    fi
fi

# 2. A fresh database on the test servers, migrated and demo-seeded, and a Redis database of its own.
monps_ensure_swift_path
bash "$MONPS_DEPLOY_DIR/services.sh" start test >/dev/null
monps=$(swift build --build-tests --enable-code-coverage --show-bin-path 2>/dev/null | tail -n 1)/monps
[[ -x "$monps" ]] || monps_die "no monps binary at $monps: build first (swift build --build-tests --enable-code-coverage)"
database=monps_e2e
psql -q -v ON_ERROR_STOP=1 "$(monps_database_url test postgres)" \
    -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database" >/dev/null
redis_db=4
redis-cli -p "$(monps_redis_port test)" -n "$redis_db" FLUSHDB >/dev/null
port=${MONPS_E2E_PORT:-18531}
monps_require_free_port "$port" "the e2e server" MONPS_E2E_PORT
base="http://127.0.0.1:$port"

DATABASE_URL=$(monps_database_url test "$database")
REDIS_URL="redis://127.0.0.1:$(monps_redis_port test)/$redis_db"
MONPS_HOST=127.0.0.1
MONPS_PORT=$port
MONPS_JWT_SECRETS=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
MONPS_DATA_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
MONPS_LOG_LEVEL=${MONPS_E2E_LOG_LEVEL:-warning}
MONPS_JOBS=false # no collection runs against The Odds API during the test
# Many logins and page loads from one address in a few minutes: raise the limits so 429s do not hide real answers.
MONPS_RATE_LIMITS=$(python3 -c 'import json; p = {"*": {"limit": 1000000, "window": 60}}; print(json.dumps({c: p for c in ("auth", "read", "write", "public_share")}))')
LLVM_PROFILE_FILE="$work_dir/monps-%p.profraw"
export DATABASE_URL REDIS_URL LLVM_PROFILE_FILE MONPS_HOST MONPS_PORT MONPS_JWT_SECRETS MONPS_DATA_KEY MONPS_LOG_LEVEL MONPS_JOBS MONPS_RATE_LIMITS
# Notifications: the delivery worker runs (jobs do not), webhooks may target the test's sink on loopback, and mail
# (password reset) goes to the test profile's real SMTP server, whose saved messages the tests read.
bash "$MONPS_DEPLOY_DIR/smtp-sink.sh" start test >/dev/null
eval "$(bash "$MONPS_DEPLOY_DIR/smtp-sink.sh" env test)"
MONPS_DELIVERY=true
MONPS_WEBHOOK_ALLOW_HOSTS=127.0.0.1
MONPS_SMTP_URL="smtp://monps:sink-secret@localhost:$MONPS_TEST_SMTP_PORT?tls=require"
MONPS_SMTP_CA_FILE=$MONPS_TEST_SMTP_CA
MONPS_MAIL_FROM="MonPS <no-reply@monps.test>"
MONPS_PUBLIC_URL=$base
export MONPS_DELIVERY MONPS_WEBHOOK_ALLOW_HOSTS MONPS_SMTP_URL MONPS_SMTP_CA_FILE MONPS_MAIL_FROM MONPS_PUBLIC_URL MONPS_TEST_SMTP_DIR
monps_after_server() { rm -f "$work_dir"/monps-*.profraw; }
monps_serve_seeded "$monps" "$log_dir" "$base"

if [[ $serve_only -eq 1 ]]; then
    monps_info "serving $base (demo@monps.local / MonPS-demo-2026!, admin@monps.local / MonPS-admin-2026!); Ctrl-C stops"
    wait "$monps_server_pid"
    exit 0
fi

# 3. The tests.
printf '\n== End-to-end test: Chromium %s against %s ==\n' "$(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')" "$base"
rm -f "$shots"/*.png
set +e
# shellcheck disable=SC2086
MONPS_E2E_BASE="$base" MONPS_E2E_SCREENSHOTS="$shots" MONPS_E2E_REPORT="$log_dir/report.json" \
    "$venv/bin/python" -m pytest -p no:cacheprovider -q -rA "$MONPS_ROOT/Tests/e2e" ${MONPS_E2E_ARGS:-} 2>&1 | tee "$log_dir/pytest.log"
rc=${PIPESTATUS[0]}
set -e
if [[ -f "$log_dir/report.json" ]]; then
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); [print(f"{k}: {v}") for k, v in r.items()]' "$log_dir/report.json"
fi
printf 'Screenshots: %s (%s files); logs: %s; %s\n' "$shots" "$(find "$shots" -name '*.png' | wc -l)" "$log_dir" "$(monps_elapsed "$t_start")"
exit "$rc"
