#!/usr/bin/env bash
# Contract test: schemathesis (pinned 4.x) against `monps serve`, with the served OpenAPI document as the only
# description of the API, once per identity (anonymous, viewer, user, admin), every check, the stateful phase
# following the document's `links`. deploy/test.sh runs it after `swift test`; it also runs alone:
#   deploy/contract-test.sh            (builds nothing: uses the debug binary of `swift build --build-tests --enable-code-coverage`)
# Environment: MONPS_CONTRACT_SEED (the fixed seed, default 20261205), MONPS_CONTRACT_RANDOM_SEED (default: random),
# MONPS_CONTRACT_EXAMPLES (test cases per operation and phase, default 10), MONPS_CONTRACT_IDENTITIES (default
# "anonymous viewer user admin"), MONPS_CONTRACT_SEEDS (default "fixed random"; "fixed" for one run per identity),
# MONPS_PG_PORT / MONPS_REDIS_PORT (test profile servers, started if needed).
# Exit status: 0 when every run of every identity found no failure; 1 otherwise (or when the server does not start).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$MONPS_ROOT"

schemathesis_version=4.32.5
fixed_seed=${MONPS_CONTRACT_SEED:-20261205}
random_seed=${MONPS_CONTRACT_RANDOM_SEED:-$(( (RANDOM << 15 | RANDOM) + 1 ))}
examples=${MONPS_CONTRACT_EXAMPLES:-10}
t_start=$(monps_now)

work_dir="$(monps_var_dir)/contract"
log_dir="$work_dir/logs"
mkdir -p "$log_dir"
rm -f "$log_dir"/*.log "$log_dir"/*.json

# 1. schemathesis, pinned, in its own virtualenv (kept between runs; CI starts from nothing and installs it).
venv="$work_dir/venv"
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$schemathesis_version"; then
    monps_info "installing schemathesis $schemathesis_version"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

# 2. A fresh database on the test servers, migrated and demo-seeded, and a Redis database of its own.
monps_ensure_swift_path
bash "$MONPS_DEPLOY_DIR/services.sh" start test >/dev/null
monps=$(swift build --build-tests --enable-code-coverage --show-bin-path 2>/dev/null | tail -n 1)/monps
[[ -x "$monps" ]] || monps_die "no monps binary at $monps: build first (swift build --build-tests --enable-code-coverage)"
database=monps_contract
psql -q -v ON_ERROR_STOP=1 "$(monps_database_url test postgres)" \
    -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database" >/dev/null
redis_db=3
redis-cli -p "$(monps_redis_port test)" -n "$redis_db" FLUSHDB >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

DATABASE_URL=$(monps_database_url test "$database")
REDIS_URL="redis://127.0.0.1:$(monps_redis_port test)/$redis_db"
MONPS_HOST=127.0.0.1
MONPS_PORT=$port
MONPS_JWT_SECRETS=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
MONPS_DATA_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
MONPS_LOG_LEVEL=${MONPS_CONTRACT_LOG_LEVEL:-warning}
MONPS_JOBS=false # no collection runs against The Odds API, no detection racing the requests
# Thousands of requests a minute from one address and four principals: the limits would answer 429 instead.
MONPS_RATE_LIMITS=$(python3 -c 'import json; p = {"*": {"limit": 1000000, "window": 60}}; print(json.dumps({c: p for c in ("auth", "read", "write", "public_share")}))')
# The debug binary is built with coverage: keep its profiles out of the working tree (they are not measured).
LLVM_PROFILE_FILE="$work_dir/monps-%p.profraw"
# Invalid-authentication checks send refused credentials by the thousand from one address: lift that limit like the rest.
MONPS_REFUSED_CREDENTIAL_LIMIT=100000000
export DATABASE_URL REDIS_URL LLVM_PROFILE_FILE MONPS_HOST MONPS_PORT MONPS_JWT_SECRETS MONPS_DATA_KEY MONPS_LOG_LEVEL MONPS_JOBS MONPS_RATE_LIMITS MONPS_REFUSED_CREDENTIAL_LIMIT
monps_serve_seeded "$monps" "$log_dir" "$base"

# 3. The identities: the demo user and admin of the seed, and a viewer the admin creates as an operator would.
login() { # email password -> access token
    # From 127.0.0.2, as the hooks sign in: the run's made-up logins from 127.0.0.1 may have locked that address.
    curl -fsS --interface 127.0.0.2 -X POST "$base/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"email\":\"$1\",\"password\":\"$2\"}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}
viewer_email=viewer@monps.local
viewer_password=MonPS-viewer-2026!
admin_token=$(login admin@monps.local 'MonPS-admin-2026!')
curl -fsS -o /dev/null -X POST "$base/v1/admin/users" -H "authorization: Bearer $admin_token" -H 'content-type: application/json' \
    -d "{\"email\":\"$viewer_email\",\"password\":\"$viewer_password\",\"display_name\":\"Contract Viewer\",\"role\":\"viewer\"}" \
    || monps_die "could not create the viewer account"

printf '\n== Contract test: schemathesis %s, %s examples per operation, seeds: fixed %s, random %s ==\n' \
    "$schemathesis_version" "$examples" "$fixed_seed" "$random_seed"
failed=0
summary=()
run_identity() { # name [email password]
    local name=$1 email=${2:-} password=${3:-} seed log rc
    local seeds=()
    [[ " ${MONPS_CONTRACT_SEEDS:-fixed random} " == *" fixed "* ]] && seeds+=("$fixed_seed")
    [[ " ${MONPS_CONTRACT_SEEDS:-fixed random} " == *" random "* ]] && seeds+=("$random_seed")
    [[ " ${MONPS_CONTRACT_IDENTITIES:-anonymous viewer user admin} " == *" $name "* ]] || return 0
    for seed in "${seeds[@]}"; do
        # Each run starts with the seed's accounts as they were (an admin run may have disabled or promoted them).
        # The seed's row of each address (the first made) is live again; any later account on that address is not.
        psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" >/dev/null <<SQL
CREATE TEMP TABLE seed_accounts AS
    SELECT DISTINCT ON (u.email_normalized) u.id, u.email_normalized AS email, seed.role
    FROM users u
    JOIN (VALUES ('admin@monps.local', 'admin'), ('demo@monps.local', 'user'), ('$viewer_email', 'viewer')) AS seed(email, role)
      ON seed.email = u.email_normalized
    ORDER BY u.email_normalized, u.created_at, u.id;
UPDATE users u SET status = 'deleted', deleted_at = now()
    FROM seed_accounts s WHERE u.email_normalized = s.email AND u.id <> s.id AND u.status <> 'deleted';
UPDATE users u SET status = 'active', deleted_at = NULL, role = s.role FROM seed_accounts s WHERE u.id = s.id;
SQL
        # Each run starts from the run's own settings (an admin run may have closed registration, say).
        curl -fsS --interface 127.0.0.2 -o /dev/null -X PUT "$base/v1/admin/settings" \
            -H "authorization: Bearer $(login admin@monps.local 'MonPS-admin-2026!')" -H 'content-type: application/json' \
            -d '{"reset":["odds_api_key","odds_intervals","settlement_interval_seconds","clv_interval_seconds","registration_open","rate_limits"]}' \
            || monps_die "could not reset the platform settings"
        log="$log_dir/$name-$seed.log"
        set +e
        # deploy/contract_hooks.py signs in as this identity (and again after a 401: logout-all is tested too).
        PYTHONPATH="$MONPS_DEPLOY_DIR" SCHEMATHESIS_HOOKS=contract_hooks MONPS_CONTRACT_BASE="$base" \
            MONPS_CONTRACT_EMAIL="$email" MONPS_CONTRACT_PASSWORD="$password" \
            "$venv/bin/st" --config-file "$MONPS_DEPLOY_DIR/schemathesis.toml" run "$base/openapi.yaml" \
            --generation-database none --checks all --seed "$seed" --max-examples "$examples" --workers 2 --no-color \
            --phases examples,coverage,fuzzing,stateful --report json --report-json-path "$log_dir/$name-$seed.json" \
            >"$log" 2>&1
        rc=$?
        set -e
        # schemathesis' own summary: operations, test cases, failures.
        local counts
        counts=$(python3 "$MONPS_DEPLOY_DIR/contract-summary.py" "$log_dir/$name-$seed.json")
        summary+=("$(printf '%-9s seed %-10s %s (exit %s)' "$name" "$seed" "$counts" "$rc")")
        printf '%-9s seed %-10s %s (exit %s)\n' "$name" "$seed" "$counts" "$rc"
        if [[ $rc -ne 0 ]]; then
            failed=1
            sed -n '/FAILURES/,$p' "$log" | head -n 200 || true
        fi
    done
}
run_identity anonymous
run_identity viewer "$viewer_email" "$viewer_password"
run_identity user demo@monps.local 'MonPS-demo-2026!'
run_identity admin admin@monps.local 'MonPS-admin-2026!'

printf '\n== Contract test summary (logs in %s), %s ==\n' "$log_dir" "$(monps_elapsed "$t_start")"
printf '%s\n' "${summary[@]}"
if grep -q 'Server got itself in trouble\|panic\|Fatal error' "$log_dir/server.log"; then
    monps_warn "the server log has errors: $log_dir/server.log"
fi
exit "$failed"
