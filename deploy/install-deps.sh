#!/usr/bin/env bash
# Installs the system packages MonPS needs to build, test and run locally, only those missing.
#   deploy/install-deps.sh           build + run + test dependencies
#   deploy/install-deps.sh --bench   also wrk and bc (load generator and arithmetic for Benchmarks/)
#   deploy/install-deps.sh --cluster also nginx, prometheus (+ promtool) and curl, for deploy/cluster.sh
# Fast when everything is present: no apt-get call at all.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { printf 'usage: %s [--bench] [--cluster]\n' "$(basename "$0")"; }

bench=0
cluster=0
for arg in "$@"; do
    case "$arg" in
        --bench) bench=1 ;;
        --cluster) cluster=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
done

packages=(
    postgresql      # server 15 + client (psql, pg_dump, pg_restore, pg_isready)
    redis-server    # + redis-tools (redis-cli)
    libhiredis-dev  # CHiredis
    libargon2-dev   # CArgon2
    libssl-dev      # COpenSSL (libcrypto)
    libpq-dev
    pkg-config      # SwiftPM resolves the system libraries through pkg-config
    openssl         # deploy/run.sh generates secrets with `openssl rand`
)
if [[ $bench -eq 1 ]]; then
    packages+=(wrk bc)
fi
if [[ $cluster -eq 1 ]]; then
    # nginx 1.22 (TLS, HTTP/2, WebSocket proxying), Prometheus 2.42 with promtool; apt does not start them (no systemd
    # here), deploy/cluster.sh runs its own on loopback.
    packages+=(nginx prometheus curl)
fi

is_installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

missing=()
for pkg in "${packages[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
    monps_info "system packages: all present (${#packages[@]})"
else
    if ! monps_is_root; then
        monps_die "missing system packages: ${missing[*]}. Run this script as root, or install them: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    fi
    command -v apt-get >/dev/null 2>&1 || monps_die "missing system packages (${missing[*]}) and apt-get is not available: install them by hand"
    monps_info "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 -q)
    apt-get "${apt_opts[@]}" update
    apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"
    still=()
    for pkg in "${missing[@]}"; do
        is_installed "$pkg" || still+=("$pkg")
    done
    [[ ${#still[@]} -eq 0 ]] || monps_die "apt-get did not install: ${still[*]}"
    monps_info "installed: ${missing[*]}"
fi

# The PostgreSQL server binaries this project runs (a private cluster, see services.sh).
pg_bin=$(monps_pg_bin)
id postgres >/dev/null 2>&1 || monps_die "the 'postgres' OS user does not exist: reinstall postgresql-common"
command -v redis-server >/dev/null 2>&1 || monps_die "redis-server is not on PATH"

monps_ensure_swift_path
monps_info "swift: $(command -v swift) ($(swift --version 2>/dev/null | head -n 1))"
monps_info "postgres: $pg_bin ($("$pg_bin/postgres" --version))"
monps_info "redis: $(redis-server --version | cut -d' ' -f1-3)"
