# shellcheck shell=bash
# Layout, ports and PostgreSQL helpers of the one-machine production topology (deploy/cluster.sh), shared with
# deploy/cluster-agent.sh, deploy/restore.sh and the tests. Source it after lib.sh.
#
# Ports (all on 127.0.0.1; none collides with the dev 55432/56379 or test 55433/56380 profiles):
#   MONPS_CLUSTER_PG_PORT          PostgreSQL primary       (default 55540)
#   MONPS_CLUSTER_REPLICA_PORT     PostgreSQL replica       (default 55541)
#   MONPS_CLUSTER_REDIS_PORT       Redis                    (default 56540)
#   MONPS_CLUSTER_APP_PORTS        the monps serve instances, space-separated (default "18081 18082")
#   MONPS_CLUSTER_HTTPS_PORT       nginx, TLS               (default 8443)
#   MONPS_CLUSTER_OPS_METRICS_PORT nginx, the ops metrics textfile (default 19101)
#   MONPS_CLUSTER_PROMETHEUS_PORT  Prometheus               (default 19090)
#   MONPS_CLUSTER_PLAIN_HTTP_PORT  nginx without TLS, for measuring TLS's cost only (default: none)
# State: $MONPS_VAR_DIR/cluster (MONPS_CLUSTER_DIR overrides it); PostgreSQL's part lives where the postgres OS user
# can reach it (see cluster_pg_root).

# shellcheck disable=SC2034 # the settings below are read by the scripts that source this file
if [[ -n "${MONPS_CLUSTER_LIB_LOADED:-}" ]]; then
    return 0
fi
MONPS_CLUSTER_LIB_LOADED=1

cluster_pg_port=${MONPS_CLUSTER_PG_PORT:-55540}
cluster_replica_port=${MONPS_CLUSTER_REPLICA_PORT:-55541}
cluster_redis_port=${MONPS_CLUSTER_REDIS_PORT:-56540}
read -r -a cluster_app_ports <<<"${MONPS_CLUSTER_APP_PORTS:-18081 18082}"
cluster_https_port=${MONPS_CLUSTER_HTTPS_PORT:-8443}
cluster_ops_metrics_port=${MONPS_CLUSTER_OPS_METRICS_PORT:-19101}
cluster_prometheus_port=${MONPS_CLUSTER_PROMETHEUS_PORT:-19090}
cluster_plain_http_port=${MONPS_CLUSTER_PLAIN_HTTP_PORT:-}
cluster_slot=monps_replica
cluster_repl_user=replicator
cluster_repl_password=${MONPS_CLUSTER_REPL_PASSWORD:-replicator}

cluster_dir() {
    local dir="${MONPS_CLUSTER_DIR:-$(monps_var_dir)/cluster}"
    mkdir -p "$dir"
    (cd "$dir" && pwd -P)
}

# Where the PostgreSQL clusters, WAL archive and base backups live: inside the cluster dir when the postgres OS user
# can reach it, else /var/tmp/monps-cluster-<hash> (a repository under /root, say).
cluster_pg_root() {
    local dir hash
    dir="$(cluster_dir)/pg"
    if monps_is_root && ! (cd / && runuser -u postgres -- test -x "$(cluster_dir)"); then
        hash=$(printf '%s' "$dir" | cksum | cut -d' ' -f1)
        dir="/var/tmp/monps-cluster-$hash"
    fi
    mkdir -p "$dir"
    if monps_is_root; then
        chown postgres:postgres "$dir"
    fi
    chmod 700 "$dir"
    printf '%s' "$dir"
}

cluster_primary_data() { printf '%s/primary' "$(cluster_pg_root)"; }
cluster_replica_data() { printf '%s/replica' "$(cluster_pg_root)"; }
cluster_wal_archive() { printf '%s/wal-archive' "$(cluster_pg_root)"; }
cluster_base_backups() { printf '%s/base-backups' "$(cluster_pg_root)"; }
cluster_socket_dir() { printf '/tmp/monps-cluster-sock-%s' "$(printf '%s' "$(cluster_pg_root)" | cksum | cut -d' ' -f1)"; }

cluster_database_url() { printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$MONPS_DB_USER" "$MONPS_DB_PASSWORD" "${1:-$cluster_pg_port}" "$MONPS_DB_NAME"; }
cluster_redis_url() { printf 'redis://127.0.0.1:%s/0' "$cluster_redis_port"; }

# cluster_pg DATA_DIR ARGS... : pg_ctl on a data dir, as the postgres OS user.
cluster_pg_ctl() {
    local data=$1
    shift
    (cd / && monps_as_pg_user "$(monps_pg_bin)/pg_ctl" -D "$data" "$@")
}

cluster_pg_running() { [[ -f "$1/PG_VERSION" ]] && cluster_pg_ctl "$1" status >/dev/null 2>&1; }
cluster_pg_pid() { sed -n 1p "$1/postmaster.pid" 2>/dev/null; }

# cluster_psql PORT [psql args…]: psql as the database superuser through the unix socket.
cluster_psql() {
    local port=$1
    shift
    (cd / && monps_as_pg_user "$(monps_pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$(cluster_socket_dir)" -p "$port" \
        -U "$(if monps_is_root; then printf postgres; else id -un; fi)" "$@")
}

# cluster_wait_pg PORT WHAT
cluster_wait_pg() {
    local port=$1 what=$2 deadline=$((SECONDS + ${MONPS_SERVICE_TIMEOUT:-60}))
    until "$(monps_pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; do
        [[ $SECONDS -lt $deadline ]] || monps_die "$what did not accept connections on 127.0.0.1:$port"
        sleep 0.2
    done
}

# cluster_write_pg_conf DATA_DIR PORT ROLE(primary|replica|restore) [extra lines]
# The settings deploy/cluster.sh owns, in monps.conf (included from postgresql.conf), rewritten on every start.
cluster_write_pg_conf() {
    local data=$1 port=$2 role=$3 extra=${4:-} archive
    archive=$(cluster_wal_archive)
    {
        printf '# Written by deploy/cluster.sh: edit the script, not this file.\n'
        printf "listen_addresses = '127.0.0.1'\nport = %s\n" "$port"
        printf "unix_socket_directories = '%s'\n" "$(cluster_socket_dir)"
        printf "password_encryption = 'scram-sha-256'\nmax_connections = 300\n"
        printf "timezone = 'UTC'\nlog_timezone = 'UTC'\nlog_line_prefix = '%%m [%%p] %%q%%u@%%d '\n"
        printf 'wal_level = replica\nmax_wal_senders = 5\nmax_replication_slots = 5\nhot_standby = on\n'
        # Names the process list, and the replica in pg_stat_replication (its wal receiver's application_name).
        printf "cluster_name = 'monps_%s'\n" "$role"
        # The replica answers reads while it replays: a long analytics query is not cancelled by a vacuum on the
        # primary (at the price of some bloat there).
        printf 'hot_standby_feedback = on\n'
        if [[ "$role" == primary ]]; then
            # Continuous archiving: every WAL segment, at the latest after archive_timeout, so a point-in-time
            # restore loses at most that much.
            printf "archive_mode = on\narchive_timeout = 60\n"
            printf "archive_command = 'test ! -f %s/%%f && cp %%p %s/%%f'\n" "$archive" "$archive"
        else
            printf 'archive_mode = off\n'
        fi
        printf '%s\n' "$extra"
    } >"$data/monps.conf"
    if ! grep -q "^include_if_exists = 'monps.conf'" "$data/postgresql.conf"; then
        printf "\ninclude_if_exists = 'monps.conf'\n" >>"$data/postgresql.conf"
    fi
    if monps_is_root; then
        chown postgres:postgres "$data/monps.conf"
    fi
}

# cluster_start_pg DATA_DIR PORT WHAT
cluster_start_pg() {
    local data=$1 port=$2 what=$3 sock
    sock=$(cluster_socket_dir)
    mkdir -p "$sock"
    chmod 700 "$sock"
    if monps_is_root; then
        chown postgres:postgres "$sock"
    fi
    if cluster_pg_running "$data"; then
        monps_info "$what: already running (pid $(cluster_pg_pid "$data"))"
        return 0
    fi
    monps_require_free_port "$port" "$what" "MONPS_CLUSTER_*_PORT" "deploy/cluster.sh up"
    monps_info "$what: starting on 127.0.0.1:$port"
    if ! cluster_pg_ctl "$data" -l "$data/../$(basename "$data").log" -w -t "${MONPS_SERVICE_TIMEOUT:-60}" start >/dev/null; then
        tail -n 30 "$data/../$(basename "$data").log" >&2 || true
        monps_die "$what failed to start"
    fi
    cluster_wait_pg "$port" "$what"
}

cluster_stop_pg() {
    local data=$1 what=$2
    if cluster_pg_running "$data"; then
        monps_info "$what: stopping (pid $(cluster_pg_pid "$data"))"
        cluster_pg_ctl "$data" -m fast -w -t "${MONPS_SERVICE_TIMEOUT:-60}" stop >/dev/null || monps_warn "$what did not stop"
    fi
}
