# shellcheck shell=bash
# Shared shell functions for the MonPS deploy scripts. Source it, do not run it:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Environment understood here:
#   MONPS_VAR_DIR          state dir (default <repo>/.var, git-ignored)
#   MONPS_PG_PORT          PostgreSQL port (default dev 55432, test 55433)
#   MONPS_REDIS_PORT       Redis port      (default dev 56379, test 56380)
#   MONPS_SERVICE_TIMEOUT  seconds to wait for a service to accept connections (default 60)
#   MONPS_PG_BIN           PostgreSQL server binaries (default /usr/lib/postgresql/15/bin)

if [[ -n "${MONPS_LIB_LOADED:-}" ]]; then
    return 0
fi
MONPS_LIB_LOADED=1

MONPS_DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
MONPS_ROOT="$(cd "$MONPS_DEPLOY_DIR/.." && pwd -P)"
export MONPS_ROOT

MONPS_DB_USER=monps
MONPS_DB_PASSWORD=monps
MONPS_DB_NAME=monps

# ---------------------------------------------------------------- messages

monps_info() { printf '[monps] %s\n' "$*" >&2; }
monps_warn() { printf '[monps] WARNING: %s\n' "$*" >&2; }
monps_die() {
    printf '[monps] ERROR: %s\n' "$*" >&2
    exit 1
}

# Seconds since the epoch with milliseconds, for wall times.
monps_now() { date +%s.%N; }
# monps_elapsed START -> "12.3s"
monps_elapsed() {
    local start=$1 end
    end=$(monps_now)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1fs", e - s }'
}

monps_is_root() { [[ "$(id -u)" -eq 0 ]]; }

# ---------------------------------------------------------------- layout

# The state dir, absolute, created if missing.
monps_var_dir() {
    local dir="${MONPS_VAR_DIR:-$MONPS_ROOT/.var}"
    mkdir -p "$dir"
    (cd "$dir" && pwd -P)
}

monps_check_profile() {
    case "$1" in
        dev | test) ;;
        *) monps_die "unknown profile '$1' (expected dev or test)" ;;
    esac
}

monps_profile_dir() { printf '%s/%s' "$(monps_var_dir)" "$1"; }

monps_pg_port() {
    if [[ -n "${MONPS_PG_PORT:-}" ]]; then
        printf '%s' "$MONPS_PG_PORT"
    elif [[ "$1" == test ]]; then
        printf '55433'
    else
        printf '55432'
    fi
}

monps_redis_port() {
    if [[ -n "${MONPS_REDIS_PORT:-}" ]]; then
        printf '%s' "$MONPS_REDIS_PORT"
    elif [[ "$1" == test ]]; then
        printf '56380'
    else
        printf '56379'
    fi
}

monps_database_url() {
    printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$MONPS_DB_USER" "$MONPS_DB_PASSWORD" "$(monps_pg_port "$1")" "${2:-$MONPS_DB_NAME}"
}

monps_redis_url() { printf 'redis://127.0.0.1:%s/0' "$(monps_redis_port "$1")"; }

# ---------------------------------------------------------------- tools

# Puts the Swift toolchain on PATH (it lives in /opt/swift/usr/bin on these machines).
monps_ensure_swift_path() {
    if command -v swift >/dev/null 2>&1; then
        return 0
    fi
    local candidate
    for candidate in "${MONPS_SWIFT_BIN:-}" /opt/swift/usr/bin /usr/share/swift/usr/bin; do
        if [[ -n "$candidate" && -x "$candidate/swift" ]]; then
            export PATH="$candidate:$PATH"
            return 0
        fi
    done
    monps_die "Swift is not installed: 'swift' is not on PATH and not in /opt/swift/usr/bin. Install Swift 6 (https://swift.org/install) or set MONPS_SWIFT_BIN to the directory holding the swift binary."
}

# The monps binary a benchmark runs: $1 when given, else the release build (built first unless BENCH_SKIP_BUILD=1)
# in the build folder $2 (default .build; another one lets a benchmark build while a test run holds .build).
monps_bench_binary() {
    if [[ -n "${1:-}" ]]; then
        printf '%s' "$1"
        return 0
    fi
    local scratch=(--scratch-path "${2:-.build}")
    monps_ensure_swift_path
    [[ "${BENCH_SKIP_BUILD:-0}" == 1 ]] || swift build -c release --product monps "${scratch[@]}" >/dev/null
    printf '%s/monps' "$(swift build -c release "${scratch[@]}" --show-bin-path)"
}

# The directory of the toolchain's own binaries (llvm-cov and llvm-profdata must match swiftc).
monps_swift_toolchain_bin() {
    monps_ensure_swift_path
    dirname "$(readlink -f "$(command -v swift)")"
}

monps_pg_bin() {
    if [[ -n "${MONPS_PG_BIN:-}" ]]; then
        printf '%s' "$MONPS_PG_BIN"
        return 0
    fi
    if [[ -x /usr/lib/postgresql/15/bin/postgres ]]; then
        printf '/usr/lib/postgresql/15/bin'
        return 0
    fi
    local newest
    newest=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null | sort -V | tail -n 1)
    if [[ -n "$newest" ]]; then
        monps_warn "PostgreSQL 15 not found, using $(dirname "$newest")"
        dirname "$newest"
        return 0
    fi
    monps_die "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: run deploy/install-deps.sh"
}

# Runs a command as the OS user that owns the PostgreSQL cluster: 'postgres' when we are
# root (PostgreSQL refuses to run as root), else the current user.
monps_as_pg_user() {
    if monps_is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# ---------------------------------------------------------------- processes and ports

# True when the PID is alive and its command line contains the given word.
monps_pid_is() {
    local pid=$1 word=$2
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$word"
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
monps_port_in_use() {
    local port=$1
    if command -v ss >/dev/null 2>&1; then
        if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
            return 0
        fi
    fi
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
}

# What listens on the port, best effort (needs root for other users' processes).
monps_port_owner() {
    local port=$1
    if command -v ss >/dev/null 2>&1; then
        ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'users:.*' | head -n 1
    fi
}

# monps_require_free_port PORT WHAT ENVVAR COMMAND-HINT
monps_require_free_port() {
    local port=$1 what=$2 envvar=$3 hint=${4:-"$0"} owner
    if monps_port_in_use "$port"; then
        owner=$(monps_port_owner "$port")
        monps_die "port $port for $what is already in use by another process${owner:+ ($owner)}. Stop that process, or choose another port: $envvar=<port> $hint"
    fi
}

# ---------------------------------------------------------------- a seeded server for the contract and e2e tests

# Migrates and demo-seeds the environment's database, starts `MONPS serve` in the background (logs in LOG_DIR), waits
# until BASE/healthz answers, and stops it (SIGTERM, waited for) when the calling script exits; a script that has more
# to clean up defines `monps_after_server` first. Sets monps_server_pid.
#   monps_serve_seeded MONPS LOG_DIR BASE
monps_serve_seeded() {
    local monps=$1 log_dir=$2 base=$3
    "$monps" migrate >"$log_dir/migrate.log" 2>&1 || { cat "$log_dir/migrate.log" >&2; monps_die "migrate failed"; }
    "$monps" demo seed >"$log_dir/seed.log" 2>&1 || { cat "$log_dir/seed.log" >&2; monps_die "demo seed failed"; }
    "$monps" serve >"$log_dir/server.log" 2>&1 &
    monps_server_pid=$!
    trap monps_stop_seeded_server EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    for _ in $(seq 1 100); do
        curl -fsS "$base/healthz" >/dev/null 2>&1 && break
        kill -0 "$monps_server_pid" 2>/dev/null || { cat "$log_dir/server.log" >&2; monps_die "monps serve exited"; }
        sleep 0.2
    done
    curl -fsS "$base/healthz" >/dev/null || monps_die "monps serve did not answer on $base"
}

monps_stop_seeded_server() {
    local rc=$?
    trap - EXIT INT TERM
    if kill -0 "$monps_server_pid" 2>/dev/null; then
        kill -TERM "$monps_server_pid" 2>/dev/null || true
        wait "$monps_server_pid" 2>/dev/null || true
    fi
    if declare -F monps_after_server >/dev/null; then monps_after_server; fi
    exit "$rc"
}
