#!/usr/bin/env bash
# Private PostgreSQL 15 and Redis servers for one profile, with all state in $MONPS_VAR_DIR/<profile>.
#   deploy/services.sh start  [dev|test]   start both (idempotent), wait until they accept connections
#   deploy/services.sh stop   [dev|test]   stop both (idempotent)
#   deploy/services.sh status [dev|test]   print both; exit 3 when one is not running
#   deploy/services.sh env    [dev|test]   print `export DATABASE_URL=… REDIS_URL=…` for eval
#   deploy/services.sh wipe   [dev|test]   stop both and delete the profile's data
# Profiles: dev (PostgreSQL 55432, Redis 56379, persistent) and test (55433, 56380, no fsync, no
# persistence). Override ports with MONPS_PG_PORT / MONPS_REDIS_PORT.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    printf 'usage: %s start|stop|status|env|wipe [dev|test]\n' "$(basename "$0")"
}

[[ $# -ge 1 && $# -le 2 ]] || {
    usage >&2
    exit 2
}
command=$1
profile=${2:-dev}
case "$command" in
    -h | --help)
        usage
        exit 0
        ;;
esac
monps_check_profile "$profile"

timeout_s=${MONPS_SERVICE_TIMEOUT:-60}
pg_port=$(monps_pg_port "$profile")
redis_port=$(monps_redis_port "$profile")
for p in "$pg_port" "$redis_port"; do
    [[ "$p" =~ ^[0-9]+$ && "$p" -ge 1 && "$p" -le 65535 ]] || monps_die "invalid port '$p'"
done

# ---------------------------------------------------------------- layout
#   <var>/<profile>/pg/data              PostgreSQL cluster (owned by the postgres OS user)
#   <var>/<profile>/pg/run               its unix socket
#   <var>/<profile>/pg/postgresql.log    its log
#   <var>/<profile>/redis/{redis.conf,redis.pid,redis.log,dump.rdb,appendonlydir}
# When the postgres OS user cannot reach <var> (a repo under /root, say), <var>/<profile>/pg is a
# symlink to /var/tmp/monps-<hash>/<profile>-pg instead.

profile_dir=""
pg_dir=""
redis_dir=""

resolve_layout() { # $1: create (1) or not (0)
    local create=$1 link hash target
    if [[ $create -eq 1 ]]; then
        profile_dir=$(monps_profile_dir "$profile")
        mkdir -p "$profile_dir"
    else
        profile_dir="$(monps_var_dir)/$profile"
    fi
    link="$profile_dir/pg"
    redis_dir="$profile_dir/redis"
    if [[ -L "$link" ]]; then
        pg_dir=$(readlink -f "$link")
    elif [[ -d "$link" || $create -eq 0 ]]; then
        pg_dir=$link
    elif monps_is_root; then
        chmod go+x "$(monps_var_dir)" "$profile_dir"
        if (cd / && runuser -u postgres -- test -x "$profile_dir"); then
            pg_dir=$link
        else
            hash=$(printf '%s' "$profile_dir" | cksum | cut -d' ' -f1)
            target="/var/tmp/monps-$hash/$profile-pg"
            monps_warn "the postgres OS user cannot reach $profile_dir: keeping the cluster in $target (symlinked from $link)"
            mkdir -p "$target"
            chmod 755 "/var/tmp/monps-$hash"
            ln -sfn "$target" "$link"
            pg_dir=$target
        fi
    else
        pg_dir=$link
    fi
    if [[ $create -eq 1 ]]; then
        mkdir -p "$pg_dir" "$redis_dir"
        chmod 700 "$pg_dir" "$redis_dir"
        if monps_is_root; then
            chown postgres:postgres "$pg_dir"
        fi
    fi
}

pg_data() { printf '%s/data' "$pg_dir"; }
pg_log() { printf '%s/postgresql.log' "$pg_dir"; }

# Unix socket directory: inside the var dir unless the path is too long for a socket address.
pg_socket_dir() {
    local dir="$pg_dir/run" hash
    if [[ ${#dir} -gt 80 ]]; then
        hash=$(printf '%s' "$pg_dir" | cksum | cut -d' ' -f1)
        dir="/tmp/monps-sock-$hash"
    fi
    printf '%s' "$dir"
}

pg_superuser() {
    if monps_is_root; then printf 'postgres'; else id -un; fi
}

redis_pidfile() { printf '%s/redis.pid' "$redis_dir"; }

# ---------------------------------------------------------------- PostgreSQL

pg_running() {
    [[ -f "$(pg_data)/PG_VERSION" ]] || return 1
    (cd / && monps_as_pg_user "$(monps_pg_bin)/pg_ctl" -D "$(pg_data)" status) >/dev/null 2>&1
}

pg_pid() { sed -n 1p "$(pg_data)/postmaster.pid" 2>/dev/null; }
pg_running_port() { sed -n 4p "$(pg_data)/postmaster.pid" 2>/dev/null; }

sql_quote() { printf "'%s'" "${1//\'/\'\'}"; }

pg_write_config() {
    local conf
    conf="$(pg_data)/monps.conf"
    {
        printf '# Written by deploy/services.sh on every start: edit the script, not this file.\n'
        printf 'listen_addresses = %s\n' "$(sql_quote 127.0.0.1)"
        printf 'port = %s\n' "$pg_port"
        printf 'unix_socket_directories = %s\n' "$(sql_quote "$(pg_socket_dir)")"
        printf 'password_encryption = %s\n' "$(sql_quote scram-sha-256)"
        printf 'max_connections = 200\n'
        printf 'log_line_prefix = %s\n' "$(sql_quote '%m [%p] %q%u@%d ')"
        printf 'log_timezone = %s\n' "$(sql_quote UTC)"
        printf 'timezone = %s\n' "$(sql_quote UTC)"
        if [[ "$profile" == test ]]; then
            printf '# test profile: throwaway data, durability off for speed\n'
            printf 'fsync = off\n'
            printf 'synchronous_commit = off\n'
            # The parallel suite runs dozens of apps at once, each with its own pool (peak measured at 157 with 584
            # tests; 400 was exhausted once with 643 on a loaded machine, so keep ample room).
            printf 'max_connections = 800\n'
        fi
    } >"$conf"
    if ! grep -q "^include_if_exists = 'monps.conf'" "$(pg_data)/postgresql.conf"; then
        printf "\ninclude_if_exists = 'monps.conf'\n" >>"$(pg_data)/postgresql.conf"
    fi
    if monps_is_root; then
        chown postgres:postgres "$conf"
    fi
}

pg_initdb() {
    local pg_bin=$1 locale_opts=(--no-locale)
    if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then
        locale_opts=(--locale=C.UTF-8)
    fi
    monps_info "PostgreSQL ($profile): creating cluster in $(pg_data)"
    if ! (cd / && monps_as_pg_user "$pg_bin/initdb" -D "$(pg_data)" -U "$(pg_superuser)" -E UTF8 "${locale_opts[@]}" \
        --auth-local=peer --auth-host=scram-sha-256) >"$pg_dir/initdb.log" 2>&1; then
        cat "$pg_dir/initdb.log" >&2
        monps_die "initdb failed (log: $pg_dir/initdb.log)"
    fi
}

pg_wait_ready() {
    local pg_bin=$1 deadline=$((SECONDS + timeout_s))
    until "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -t 2; do
        if [[ $SECONDS -ge $deadline ]]; then
            tail -n 30 "$(pg_log)" >&2 || true
            monps_die "PostgreSQL ($profile) did not accept connections on 127.0.0.1:$pg_port within ${timeout_s}s (log: $(pg_log))"
        fi
        sleep 0.2
    done
}

pg_ensure_role_and_db() {
    local pg_bin=$1
    (cd / && monps_as_pg_user "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$(pg_socket_dir)" -p "$pg_port" \
        -U "$(pg_superuser)" -d postgres) <<SQL
SET client_min_messages = warning;
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$MONPS_DB_USER') THEN
    CREATE ROLE $MONPS_DB_USER;
  END IF;
END
\$\$;
ALTER ROLE $MONPS_DB_USER WITH LOGIN CREATEDB PASSWORD '$MONPS_DB_PASSWORD';
SELECT 'CREATE DATABASE $MONPS_DB_NAME OWNER $MONPS_DB_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$MONPS_DB_NAME')\gexec
SQL
}

pg_start() {
    local pg_bin running_port sock
    pg_bin=$(monps_pg_bin)
    if pg_running; then
        running_port=$(pg_running_port)
        monps_info "PostgreSQL ($profile): already running from $(pg_data) (pid $(pg_pid), port $running_port)"
        if [[ "$running_port" != "$pg_port" ]]; then
            monps_die "PostgreSQL ($profile) runs on port $running_port, not $pg_port: run '$(basename "$0") stop $profile' first to change MONPS_PG_PORT"
        fi
    else
        if [[ ! -f "$(pg_data)/PG_VERSION" ]]; then
            pg_initdb "$pg_bin"
        fi
        pg_write_config
        sock=$(pg_socket_dir)
        mkdir -p "$sock"
        chmod 700 "$sock"
        touch "$(pg_log)"
        if monps_is_root; then
            chown postgres:postgres "$sock" "$(pg_log)"
        fi
        monps_info "PostgreSQL ($profile): starting on 127.0.0.1:$pg_port"
        if ! (cd / && monps_as_pg_user "$pg_bin/pg_ctl" -D "$(pg_data)" -l "$(pg_log)" -w -t "$timeout_s" start) >/dev/null; then
            tail -n 30 "$(pg_log)" >&2 || true
            monps_die "PostgreSQL ($profile) failed to start (log: $(pg_log))"
        fi
    fi
    pg_wait_ready "$pg_bin"
    pg_ensure_role_and_db "$pg_bin"
    monps_info "PostgreSQL ($profile): ready at $(monps_database_url "$profile")"
}

pg_stop() {
    if [[ ! -f "$(pg_data)/PG_VERSION" ]]; then
        monps_info "PostgreSQL ($profile): not running (no cluster in $(pg_data))"
        return 0
    fi
    if ! pg_running; then
        monps_info "PostgreSQL ($profile): not running"
        return 0
    fi
    monps_info "PostgreSQL ($profile): stopping (pid $(pg_pid))"
    if ! (cd / && monps_as_pg_user "$(monps_pg_bin)/pg_ctl" -D "$(pg_data)" -m fast -w -t "$timeout_s" stop) >/dev/null; then
        monps_warn "PostgreSQL ($profile) did not stop (log: $(pg_log))"
        return 1
    fi
    monps_info "PostgreSQL ($profile): stopped"
}

pg_status() {
    if pg_running; then
        printf 'postgresql (%s): running, pid %s, port %s, data %s\n' "$profile" "$(pg_pid)" "$(pg_running_port)" "$(pg_data)"
    elif [[ -f "$(pg_data)/PG_VERSION" ]]; then
        printf 'postgresql (%s): stopped, data %s\n' "$profile" "$(pg_data)"
        return 3
    else
        printf 'postgresql (%s): stopped, no cluster yet\n' "$profile"
        return 3
    fi
}

# ---------------------------------------------------------------- Redis

redis_pid() {
    local pid
    pid=$(cat "$(redis_pidfile)" 2>/dev/null || true)
    if monps_pid_is "$pid" redis-server; then
        printf '%s' "$pid"
    else
        return 1
    fi
}

redis_running_port() { sed -n 's/^port //p' "$redis_dir/redis.conf" 2>/dev/null; }

redis_conf_quote() {
    local s=${1//\\/\\\\}
    printf '"%s"' "${s//\"/\\\"}"
}

# Dev keeps an AOF. A dump.rdb without one (a snapshot put back by hand) would be ignored by a
# server started with appendonly on, so such a start loads the RDB first and turns the AOF on after.
redis_rdb_only() {
    [[ "$profile" == dev && -f "$redis_dir/dump.rdb" && ! -d "$redis_dir/appendonlydir" ]]
}

redis_write_config() {
    {
        printf '# Written by deploy/services.sh on every start: edit the script, not this file.\n'
        printf 'bind 127.0.0.1\n'
        printf 'protected-mode yes\n'
        printf 'port %s\n' "$redis_port"
        printf 'daemonize yes\n'
        printf 'pidfile %s\n' "$(redis_conf_quote "$(redis_pidfile)")"
        printf 'logfile %s\n' "$(redis_conf_quote "$redis_dir/redis.log")"
        printf 'dir %s\n' "$(redis_conf_quote "$redis_dir")"
        printf 'databases 16\n'
        if [[ "$profile" == test ]]; then
            printf 'save ""\n'
            printf 'appendonly no\n'
        else
            printf 'save 3600 1 300 100 60 10000\n'
            printf 'appendfsync everysec\n'
            if redis_rdb_only; then
                printf '# dump.rdb without an AOF (a restored snapshot): load it, AOF is switched on once up\n'
                printf 'appendonly no\n'
            else
                printf 'appendonly yes\n'
            fi
        fi
    } >"$redis_dir/redis.conf"
}

redis_start() {
    local pid running_port deadline enable_aof=0
    if pid=$(redis_pid); then
        running_port=$(redis_running_port)
        monps_info "Redis ($profile): already running from $redis_dir (pid $pid, port $running_port)"
        if [[ "$running_port" != "$redis_port" ]]; then
            monps_die "Redis ($profile) runs on port $running_port, not $redis_port: run '$(basename "$0") stop $profile' first to change MONPS_REDIS_PORT"
        fi
    else
        rm -f "$(redis_pidfile)"
        if redis_rdb_only; then
            enable_aof=1
        fi
        redis_write_config
        monps_info "Redis ($profile): starting on 127.0.0.1:$redis_port"
        if ! redis-server "$redis_dir/redis.conf" >"$redis_dir/redis-start.log" 2>&1; then
            cat "$redis_dir/redis-start.log" >&2
            tail -n 20 "$redis_dir/redis.log" >&2 2>/dev/null || true
            monps_die "Redis ($profile) failed to start (log: $redis_dir/redis.log)"
        fi
    fi
    deadline=$((SECONDS + timeout_s))
    until [[ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" == PONG ]] && redis_pid >/dev/null; do
        if [[ $SECONDS -ge $deadline ]]; then
            tail -n 20 "$redis_dir/redis.log" >&2 2>/dev/null || true
            monps_die "Redis ($profile) did not answer PING on 127.0.0.1:$redis_port within ${timeout_s}s (log: $redis_dir/redis.log)"
        fi
        sleep 0.1
    done
    if [[ $enable_aof -eq 1 ]]; then
        monps_info "Redis ($profile): loaded dump.rdb without an AOF: switching the AOF on"
        redis-cli -h 127.0.0.1 -p "$redis_port" CONFIG SET appendonly yes >/dev/null
        sed -i 's/^appendonly no$/appendonly yes/' "$redis_dir/redis.conf"
    fi
    monps_info "Redis ($profile): ready at $(monps_redis_url "$profile")"
}

redis_stop() {
    local pid deadline
    if ! pid=$(redis_pid); then
        rm -f "$(redis_pidfile)"
        monps_info "Redis ($profile): not running"
        return 0
    fi
    monps_info "Redis ($profile): stopping (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout_s))
    while kill -0 "$pid" 2>/dev/null; do
        if [[ $SECONDS -ge $deadline ]]; then
            monps_warn "Redis ($profile) did not exit within ${timeout_s}s: killing pid $pid"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.1
    done
    rm -f "$(redis_pidfile)"
    monps_info "Redis ($profile): stopped"
}

redis_status() {
    local pid
    if pid=$(redis_pid); then
        printf 'redis (%s): running, pid %s, port %s, dir %s\n' "$profile" "$pid" "$(redis_running_port)" "$redis_dir"
    else
        printf 'redis (%s): stopped\n' "$profile"
        return 3
    fi
}

# ---------------------------------------------------------------- commands

case "$command" in
    start)
        command -v redis-server >/dev/null 2>&1 || monps_die "redis-server is not installed: run deploy/install-deps.sh"
        resolve_layout 1
        # Check both ports before starting anything, so a conflict leaves nothing half-started.
        hint="deploy/services.sh start $profile"
        pg_running || monps_require_free_port "$pg_port" "PostgreSQL ($profile)" MONPS_PG_PORT "$hint"
        redis_pid >/dev/null || monps_require_free_port "$redis_port" "Redis ($profile)" MONPS_REDIS_PORT "$hint"
        pg_start
        redis_start
        ;;
    stop)
        resolve_layout 0
        rc=0
        pg_stop || rc=1
        redis_stop || rc=1
        exit "$rc"
        ;;
    status)
        resolve_layout 0
        rc=0
        pg_status || rc=3
        redis_status || rc=3
        exit "$rc"
        ;;
    env)
        printf 'export DATABASE_URL=%s\n' "$(monps_database_url "$profile")"
        printf 'export REDIS_URL=%s\n' "$(monps_redis_url "$profile")"
        if [[ "$profile" == test ]]; then
            printf 'export MONPS_TEST_DATABASE_URL=%s\n' "$(monps_database_url "$profile" postgres)"
            printf 'export MONPS_TEST_REDIS_URL=%s\n' "$(monps_redis_url "$profile")"
        fi
        ;;
    wipe)
        resolve_layout 0
        pg_stop
        redis_stop
        if [[ -L "$profile_dir/pg" ]]; then
            target=$(readlink -f "$profile_dir/pg")
            rm -rf "$target"
            rmdir --ignore-fail-on-non-empty "$(dirname "$target")"
        fi
        rm -rf "$(pg_socket_dir)" "$profile_dir"
        monps_info "$profile: data deleted ($profile_dir)"
        ;;
    *)
        usage >&2
        exit 2
        ;;
esac
