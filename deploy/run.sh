#!/usr/bin/env bash
# Runs MonPS locally on http://127.0.0.1:8080 with the dev profile's PostgreSQL and Redis.
#   deploy/run.sh [extra `monps serve` arguments]
# Installs missing system packages, starts the dev services (left running on exit), builds the
# release binary, migrates, seeds the demo data (idempotent) and serves in the foreground.
# Secrets are generated once into .var/dev/{jwt-secret,data-key} (mode 600) and reused.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$MONPS_ROOT"

profile=dev
host=${MONPS_HOST:-127.0.0.1}
port=${MONPS_PORT:-8080}

bash "$MONPS_DEPLOY_DIR/install-deps.sh"
monps_ensure_swift_path

# Fail before the long build when the HTTP port is taken.
monps_require_free_port "$port" "the MonPS HTTP server" MONPS_PORT "deploy/run.sh"

bash "$MONPS_DEPLOY_DIR/services.sh" start "$profile"
profile_dir=$(monps_profile_dir "$profile")

# A secret generated once per checkout, kept in the var dir with mode 600.
persistent_secret() {
    local file="$profile_dir/$1"
    if [[ ! -s "$file" ]]; then
        (
            umask 077
            openssl rand -hex 32 >"$file.tmp"
            mv "$file.tmp" "$file"
        )
        monps_info "generated $file"
    fi
    chmod 600 "$file"
    tr -d '[:space:]' <"$file"
}

DATABASE_URL=$(monps_database_url "$profile")
REDIS_URL=$(monps_redis_url "$profile")
MONPS_HOST=$host
MONPS_PORT=$port
MONPS_JWT_SECRETS=$(persistent_secret jwt-secret)
MONPS_DATA_KEY=$(persistent_secret data-key)
MONPS_LOG_LEVEL=${MONPS_LOG_LEVEL:-info}
export DATABASE_URL REDIS_URL MONPS_HOST MONPS_PORT MONPS_JWT_SECRETS MONPS_DATA_KEY MONPS_LOG_LEVEL

t_build=$(monps_now)
monps_info "building monps (release; a first build takes several minutes)"
swift build -c release --product monps
monps_info "build finished in $(monps_elapsed "$t_build")"
bin_dir=$(swift build -c release --show-bin-path)
monps="$bin_dir/monps"
[[ -x "$monps" ]] || monps_die "the build did not produce $monps"

monps_info "migrating the database"
"$monps" migrate
monps_info "seeding the demo data"
"$monps" demo seed

# Check again: the port may have been taken during the build.
monps_require_free_port "$port" "the MonPS HTTP server" MONPS_PORT "deploy/run.sh"

cat <<EOF

MonPS is starting on http://$host:$port — demo login: demo@monps.local / the password printed by \`monps demo seed\`
Press Ctrl-C to stop the server. PostgreSQL and Redis keep running; stop them with: deploy/services.sh stop

EOF
exec "$monps" serve "$@"
