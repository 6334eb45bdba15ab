#!/usr/bin/env bash
# The production topology on one machine, on loopback: PostgreSQL 15 primary + streaming replica (replication slot,
# WAL archiving), Redis, two `monps serve` instances behind nginx (TLS, HTTP/2), one `monps worker`, Prometheus, and
# the cluster agent (scheduled base backups, ops metrics).
#   deploy/cluster.sh up                    start everything (idempotent); migrates and seeds the demo data
#   deploy/cluster.sh down                  stop everything (data kept)
#   deploy/cluster.sh status                one line per process: name, pid, port; exit 3 when one is down
#   deploy/cluster.sh wipe                  down, then delete the cluster's data
#   deploy/cluster.sh instance stop|start|kill N   one serve instance (1-based): SIGTERM + drain, start, or SIGKILL
# Ports and state: deploy/cluster-lib.sh. The binary: MONPS_BIN, else the release build (built when missing).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=cluster-lib.sh
. "$MONPS_DEPLOY_DIR/cluster-lib.sh"

usage() { printf 'usage: %s up|down|status|wipe|instance stop|start|kill N\n' "$(basename "$0")"; }

[[ $# -ge 1 ]] || {
    usage >&2
    exit 2
}
command=$1
timeout_s=${MONPS_SERVICE_TIMEOUT:-60}

dir=$(cluster_dir)
run_dir="$dir/run"
log_dir="$dir/logs"
mkdir -p "$run_dir" "$log_dir"

# ---------------------------------------------------------------- plain processes (pidfile per name)

pidfile() { printf '%s/%s.pid' "$run_dir" "$1"; }

proc_pid() { # NAME WORD: the live pid whose command line contains WORD
    local pid
    pid=$(cat "$(pidfile "$1")" 2>/dev/null || true)
    if monps_pid_is "$pid" "$2"; then printf '%s' "$pid"; else return 1; fi
}

# proc_start NAME WORD COMMAND...: detached (own session), output to logs/NAME.log.
proc_start() {
    local name=$1 word=$2 pid
    shift 2
    if pid=$(proc_pid "$name" "$word"); then
        monps_info "$name: already running (pid $pid)"
        return 0
    fi
    setsid "$@" >>"$log_dir/$name.log" 2>&1 </dev/null &
    printf '%s' "$!" >"$(pidfile "$name")"
    monps_info "$name: started (pid $!)"
}

# proc_stop NAME WORD [SIGNAL]: signal, then wait for the exit (SIGKILL after the timeout).
proc_stop() {
    local name=$1 word=$2 signal=${3:-TERM} pid deadline
    if ! pid=$(proc_pid "$name" "$word"); then
        rm -f "$(pidfile "$name")"
        return 0
    fi
    monps_info "$name: stopping (pid $pid, SIG$signal)"
    kill "-$signal" "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout_s))
    while kill -0 "$pid" 2>/dev/null; do
        if [[ $SECONDS -ge $deadline ]]; then
            monps_warn "$name did not exit within ${timeout_s}s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        sleep 0.1
    done
    rm -f "$(pidfile "$name")"
}

wait_http() { # URL WHAT
    local url=$1 what=$2 deadline=$((SECONDS + timeout_s))
    until curl -fsk -o /dev/null --max-time 2 "$url"; do
        [[ $SECONDS -lt $deadline ]] || monps_die "$what did not answer $url within ${timeout_s}s (logs: $log_dir)"
        sleep 0.2
    done
}

# ---------------------------------------------------------------- configuration

persistent_secret() {
    local file="$dir/$1"
    if [[ ! -s "$file" ]]; then
        (
            umask 077
            openssl rand -hex 32 >"$file"
        )
    fi
    tr -d '[:space:]' <"$file"
}

monps_binary() {
    if [[ -n "${MONPS_BIN:-}" ]]; then
        [[ -x "$MONPS_BIN" ]] || monps_die "MONPS_BIN=$MONPS_BIN is not an executable"
        printf '%s' "$MONPS_BIN"
        return 0
    fi
    monps_ensure_swift_path
    (cd "$MONPS_ROOT" && swift build -c release --product monps >&2)
    printf '%s/monps' "$(cd "$MONPS_ROOT" && swift build -c release --show-bin-path)"
}

# The environment every monps process of the cluster shares (`env` arguments, so setsid can run it).
app_env() {
    local -a extra=()
    read -r -a extra <<<"${MONPS_CLUSTER_EXTRA_ENV:-}"
    app_env=(
        env
        "DATABASE_URL=$(cluster_database_url)"
        "DATABASE_READ_URL=$(cluster_database_url "$cluster_replica_port")"
        "REDIS_URL=$(cluster_redis_url)"
        "MONPS_JWT_SECRETS=$(persistent_secret jwt-secret)"
        "MONPS_DATA_KEY=$(persistent_secret data-key)"
        "MONPS_LOG_LEVEL=${MONPS_LOG_LEVEL:-info}"
        "MONPS_TRUSTED_PROXIES=127.0.0.1/32"
        "MONPS_HOST=127.0.0.1"
        "MONPS_JOBS=false"
        "${extra[@]}"
    )
}

# ---------------------------------------------------------------- PostgreSQL primary and replica

primary_up() {
    local data pg_bin
    data=$(cluster_primary_data)
    pg_bin=$(monps_pg_bin)
    mkdir -p "$(cluster_wal_archive)" "$(cluster_base_backups)"
    if monps_is_root; then chown postgres:postgres "$(cluster_wal_archive)" "$(cluster_base_backups)"; fi
    if [[ ! -f "$data/PG_VERSION" ]]; then
        monps_info "PostgreSQL primary: initdb in $data"
        (cd / && monps_as_pg_user "$pg_bin/initdb" -D "$data" -E UTF8 --locale=C.UTF-8 -U "$(if monps_is_root; then printf postgres; else id -un; fi)" \
            --auth-local=peer --auth-host=scram-sha-256) >"$log_dir/initdb.log" 2>&1 || {
            cat "$log_dir/initdb.log" >&2
            monps_die "initdb failed"
        }
        # Replication connections from loopback only, with a password.
        printf 'host replication %s 127.0.0.1/32 scram-sha-256\n' "$cluster_repl_user" >>"$data/pg_hba.conf"
    fi
    cluster_write_pg_conf "$data" "$cluster_pg_port" primary
    cluster_start_pg "$data" "$cluster_pg_port" "PostgreSQL primary"
    cluster_psql "$cluster_pg_port" -d postgres <<SQL
SET client_min_messages = warning;
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$MONPS_DB_USER') THEN CREATE ROLE $MONPS_DB_USER; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$cluster_repl_user') THEN CREATE ROLE $cluster_repl_user; END IF;
END
\$\$;
ALTER ROLE $MONPS_DB_USER WITH LOGIN CREATEDB PASSWORD '$MONPS_DB_PASSWORD';
ALTER ROLE $cluster_repl_user WITH LOGIN REPLICATION PASSWORD '$cluster_repl_password';
-- The monitoring queries of the cluster agent (replication lag) need this role.
GRANT pg_monitor TO $MONPS_DB_USER;
SELECT 'CREATE DATABASE $MONPS_DB_NAME OWNER $MONPS_DB_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$MONPS_DB_NAME')\gexec
SQL
}

replica_up() {
    local data pg_bin
    data=$(cluster_replica_data)
    pg_bin=$(monps_pg_bin)
    if [[ ! -f "$data/PG_VERSION" ]]; then
        monps_info "PostgreSQL replica: pg_basebackup from the primary into $data (slot $cluster_slot)"
        # The slot keeps the WAL the replica has not received yet, however long it is down.
        if [[ -z "$(cluster_psql "$cluster_pg_port" -d postgres -tA -c "SELECT 1 FROM pg_replication_slots WHERE slot_name = '$cluster_slot'")" ]]; then
            cluster_psql "$cluster_pg_port" -d postgres -c "SELECT pg_create_physical_replication_slot('$cluster_slot')" >/dev/null
        fi
        (cd / && monps_as_pg_user env PGPASSWORD="$cluster_repl_password" "$pg_bin/pg_basebackup" -h 127.0.0.1 \
            -p "$cluster_pg_port" -U "$cluster_repl_user" -D "$data" -X stream -S "$cluster_slot" -R -c fast) \
            >"$log_dir/basebackup-replica.log" 2>&1 || {
            cat "$log_dir/basebackup-replica.log" >&2
            monps_die "pg_basebackup for the replica failed"
        }
    fi
    cluster_write_pg_conf "$data" "$cluster_replica_port" replica
    cluster_start_pg "$data" "$cluster_replica_port" "PostgreSQL replica"
}

# ---------------------------------------------------------------- Redis

redis_up() {
    local rdir="$dir/redis" deadline
    mkdir -p "$rdir"
    if proc_pid redis redis-server >/dev/null; then return 0; fi
    monps_require_free_port "$cluster_redis_port" "Redis (cluster)" MONPS_CLUSTER_REDIS_PORT "deploy/cluster.sh up"
    cat >"$rdir/redis.conf" <<EOF
# Written by deploy/cluster.sh.
bind 127.0.0.1
protected-mode yes
port $cluster_redis_port
dir "$rdir"
save 3600 1 300 100
appendonly yes
appendfsync everysec
EOF
    proc_start redis redis-server redis-server "$rdir/redis.conf"
    deadline=$((SECONDS + timeout_s))
    until [[ "$(redis-cli -p "$cluster_redis_port" ping 2>/dev/null)" == PONG ]]; do
        [[ $SECONDS -lt $deadline ]] || monps_die "Redis did not answer on $cluster_redis_port"
        sleep 0.1
    done
}

# ---------------------------------------------------------------- monps

instance_name() { printf 'monps-%s' "$1"; }

instance_start() {
    local index=$1 port=${cluster_app_ports[$(($1 - 1))]}
    monps_require_free_port "$port" "$(instance_name "$index")" MONPS_CLUSTER_APP_PORTS "deploy/cluster.sh up"
    proc_start "$(instance_name "$index")" monps "${app_env[@]}" "$monps" serve --port "$port"
    wait_http "http://127.0.0.1:$port/readyz" "$(instance_name "$index")"
}

instance_command() { # stop|start|kill N
    local action=$1 index=$2
    [[ "$index" =~ ^[0-9]+$ && $index -ge 1 && $index -le ${#cluster_app_ports[@]} ]] ||
        monps_die "no instance $index (1..${#cluster_app_ports[@]})"
    case "$action" in
        stop) proc_stop "$(instance_name "$index")" monps TERM ;;
        kill) proc_stop "$(instance_name "$index")" monps KILL ;;
        start)
            monps=$(monps_binary)
            app_env
            instance_start "$index"
            ;;
        *) monps_die "instance: expected stop, start or kill" ;;
    esac
}

# ---------------------------------------------------------------- nginx, Prometheus, agent

nginx_up() {
    local ndir="$dir/nginx"
    mkdir -p "$ndir/tmp"
    if [[ ! -s "$ndir/cert.pem" ]]; then
        monps_info "nginx: generating a self-signed certificate for 127.0.0.1 / localhost"
        openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
            -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
            -keyout "$ndir/key.pem" -out "$ndir/cert.pem" 2>"$log_dir/openssl.log"
        chmod 600 "$ndir/key.pem"
    fi
    bash "$MONPS_DEPLOY_DIR/cluster-config.sh" nginx >"$ndir/nginx.conf"
    nginx -t -q -c "$ndir/nginx.conf" -p "$ndir" 2>>"$log_dir/nginx.log" || {
        tail -n 20 "$log_dir/nginx.log" >&2
        monps_die "nginx -t refused $ndir/nginx.conf"
    }
    if pid=$(proc_pid nginx nginx); then
        kill -HUP "$pid" # reload the (re)written configuration
        return 0
    fi
    monps_require_free_port "$cluster_https_port" nginx MONPS_CLUSTER_HTTPS_PORT "deploy/cluster.sh up"
    # In the foreground of its own session (daemon off): the pidfile is ours, like every other process's.
    proc_start nginx nginx nginx -c "$ndir/nginx.conf" -p "$ndir" -g 'daemon off;'
    wait_http "https://127.0.0.1:$cluster_https_port/healthz" nginx
}

prometheus_up() {
    local pdir="$dir/prometheus"
    mkdir -p "$pdir/data"
    bash "$MONPS_DEPLOY_DIR/cluster-config.sh" prometheus >"$pdir/prometheus.yml"
    cp "$MONPS_DEPLOY_DIR/prometheus/alerts.yml" "$pdir/alerts.yml"
    promtool check config "$pdir/prometheus.yml" >"$log_dir/promtool.log" 2>&1 || {
        cat "$log_dir/promtool.log" >&2
        monps_die "promtool refused $pdir/prometheus.yml"
    }
    if proc_pid prometheus prometheus >/dev/null; then return 0; fi
    monps_require_free_port "$cluster_prometheus_port" Prometheus MONPS_CLUSTER_PROMETHEUS_PORT "deploy/cluster.sh up"
    proc_start prometheus prometheus prometheus --config.file="$pdir/prometheus.yml" --storage.tsdb.path="$pdir/data" \
        --storage.tsdb.retention.time=7d --web.listen-address="127.0.0.1:$cluster_prometheus_port"
    wait_http "http://127.0.0.1:$cluster_prometheus_port/-/ready" Prometheus
}

# ---------------------------------------------------------------- status

status_line() { printf '%-18s %-8s %s\n' "$1" "$2" "$3"; }

status() {
    local rc=0 pid i
    status_line NAME PID PORT
    for role in primary replica; do
        local data port
        if [[ $role == primary ]]; then data=$(cluster_primary_data) port=$cluster_pg_port; else data=$(cluster_replica_data) port=$cluster_replica_port; fi
        if cluster_pg_running "$data"; then status_line "postgres-$role" "$(cluster_pg_pid "$data")" "$port"; else
            status_line "postgres-$role" - "$port (down)"
            rc=3
        fi
    done
    plain_status() { # NAME WORD PORT
        if pid=$(proc_pid "$1" "$2"); then status_line "$1" "$pid" "$3"; else
            status_line "$1" - "$3 (down)"
            rc=3
        fi
    }
    plain_status redis redis-server "$cluster_redis_port"
    for i in "${!cluster_app_ports[@]}"; do plain_status "$(instance_name $((i + 1)))" monps "${cluster_app_ports[$i]}"; done
    plain_status monps-worker monps -
    plain_status nginx nginx "$cluster_https_port,$cluster_ops_metrics_port"
    plain_status prometheus prometheus "$cluster_prometheus_port"
    plain_status cluster-agent cluster-agent -
    return "$rc"
}

# ---------------------------------------------------------------- commands

down() {
    local i
    proc_stop nginx nginx QUIT # graceful: finishes the requests in flight
    for i in "${!cluster_app_ports[@]}"; do proc_stop "$(instance_name $((i + 1)))" monps TERM; done
    proc_stop monps-worker monps TERM
    proc_stop cluster-agent cluster-agent TERM
    proc_stop prometheus prometheus TERM
    proc_stop redis redis-server TERM
    cluster_stop_pg "$(cluster_replica_data)" "PostgreSQL replica"
    cluster_stop_pg "$(cluster_primary_data)" "PostgreSQL primary"
    local restored
    for restored in "$(cluster_pg_root)"/restored-*; do
        if [[ -d "$restored" ]]; then cluster_stop_pg "$restored" "restored PostgreSQL ($(basename "$restored"))"; fi
    done
}

case "$command" in
    up)
        for tool in nginx prometheus promtool redis-server curl openssl; do
            command -v "$tool" >/dev/null 2>&1 || monps_die "$tool is not installed: run deploy/install-deps.sh --cluster"
        done
        monps=$(monps_binary)
        app_env
        primary_up
        replica_up
        redis_up
        "${app_env[@]}" "$monps" migrate >>"$log_dir/migrate.log" 2>&1 || monps_die "monps migrate failed ($log_dir/migrate.log)"
        if [[ "${MONPS_CLUSTER_SEED:-1}" != 0 ]]; then
            "${app_env[@]}" "$monps" demo seed >"$log_dir/seed.log" 2>&1 || monps_die "monps demo seed failed ($log_dir/seed.log)"
        fi
        for i in "${!cluster_app_ports[@]}"; do instance_start $((i + 1)); done
        proc_start monps-worker monps "${app_env[@]}" "$monps" worker
        proc_start cluster-agent cluster-agent bash "$MONPS_DEPLOY_DIR/cluster-agent.sh"
        nginx_up
        prometheus_up
        status
        printf '\nMonPS: https://127.0.0.1:%s (self-signed: curl -k)  Prometheus: http://127.0.0.1:%s\n' \
            "$cluster_https_port" "$cluster_prometheus_port"
        ;;
    down) down ;;
    status) status ;;
    wipe)
        down
        rm -rf "$(cluster_pg_root)" "$(cluster_socket_dir)" "$dir"
        monps_info "cluster data deleted"
        ;;
    instance)
        [[ $# -eq 3 ]] || {
            usage >&2
            exit 2
        }
        instance_command "$2" "$3"
        ;;
    -h | --help) usage ;;
    *)
        usage >&2
        exit 2
        ;;
esac
