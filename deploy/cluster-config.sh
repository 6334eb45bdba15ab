#!/usr/bin/env bash
# Prints the configuration files of deploy/cluster.sh's servers, from its ports (deploy/cluster-lib.sh):
#   deploy/cluster-config.sh nginx        nginx.conf (TLS on MONPS_CLUSTER_HTTPS_PORT, the ops metrics textfile)
#   deploy/cluster-config.sh prometheus   prometheus.yml (every instance, the ops textfile, Prometheus itself)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=cluster-lib.sh
. "$MONPS_DEPLOY_DIR/cluster-lib.sh"

dir=$(cluster_dir)

nginx_conf() {
    local ndir="$dir/nginx" port user_line=""
    if monps_is_root; then
        # Workers drop to www-data; they only need the temp dirs below (the master reads certificates and logs).
        user_line="user www-data;"
        mkdir -p "$ndir/tmp"
        chown -R www-data "$ndir/tmp"
    fi
    cat <<EOF
# Written by deploy/cluster.sh (deploy/cluster-config.sh): edit the script, not this file.
$user_line
worker_processes 1;   # 2 cores shared with PostgreSQL and two MonPS instances
error_log $dir/logs/nginx-error.log warn;
pid $ndir/nginx.pid;
events { worker_connections 4096; }

http {
    default_type application/octet-stream;
    access_log $dir/logs/nginx-access.log combined buffer=64k flush=5s;
    client_body_temp_path $ndir/tmp/body;
    proxy_temp_path $ndir/tmp/proxy;
    fastcgi_temp_path $ndir/tmp/fastcgi;
    uwsgi_temp_path $ndir/tmp/uwsgi;
    scgi_temp_path $ndir/tmp/scgi;
    server_tokens off;
    sendfile on;
    keepalive_timeout 65s;
    keepalive_requests 10000;
    client_max_body_size 16m;   # imports; MonPS enforces its own MONPS_MAX_BODY_BYTES per route

    upstream monps {
        # Passive health checks: one failed attempt takes an instance out for 2 s. Short, because a rolling restart
        # must wait this long after an instance is ready before stopping the next (both out = "no live upstreams").
EOF
    for port in "${cluster_app_ports[@]}"; do
        printf '        server 127.0.0.1:%s max_fails=1 fail_timeout=2s;\n' "$port"
    done
    cat <<EOF
        keepalive 64;             # idle upstream connections kept per worker
        keepalive_timeout 30s;    # below MonPS's idle timeout, so nginx closes first
    }

    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ''      '';
    }

    server {
        listen 127.0.0.1:$cluster_https_port ssl http2;
$(if [[ -n "$cluster_plain_http_port" ]]; then printf '        listen 127.0.0.1:%s;   # benchmarks only: the cost of TLS\n' "$cluster_plain_http_port"; fi)
        server_name localhost;
        ssl_certificate     $ndir/cert.pem;
        ssl_certificate_key $ndir/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_prefer_server_ciphers off;
        ssl_session_cache shared:TLS:10m;
        ssl_session_timeout 1h;

        # Security headers on every answer (MonPS's web pages set their CSP and friends themselves).
        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
        add_header X-Content-Type-Options nosniff always;
        proxy_hide_header X-Content-Type-Options;

        proxy_http_version 1.1;
        proxy_set_header Host \$host;
        # nginx is the edge: whatever X-Forwarded-For a client sends is replaced by the address nginx saw, and MonPS
        # believes the header from 127.0.0.1 only (MONPS_TRUSTED_PROXIES). Behind a load balancer, use realip
        # (set_real_ip_from) and \$proxy_add_x_forwarded_for instead.
        proxy_set_header X-Forwarded-For \$remote_addr;
        proxy_set_header X-Forwarded-Proto https;
        proxy_set_header Connection "";   # keepalive to the upstreams
        # (A location that sets any proxy_set_header loses all of these: /v1/stream repeats them.)
        proxy_connect_timeout 1s;
        proxy_read_timeout 60s;
        # An instance that refuses, resets or answers 502/503/504 (draining, restarting, crashed): the request goes
        # to the other one. Only idempotent methods are retried once sent (non_idempotent is deliberately absent).
        proxy_next_upstream error timeout http_502 http_503 http_504;
        proxy_next_upstream_tries 2;
        proxy_next_upstream_timeout 10s;

        # Scraped by Prometheus on each instance directly, never exposed through the proxy.
        location = /metrics { return 404; }

        # WebSocket: upgrade, and long reads.
        location /v1/stream {
            proxy_pass http://monps;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header Host \$host;
            proxy_read_timeout 1h;
        }

        location / {
            proxy_pass http://monps;
        }
    }

    # The cluster agent's metrics (backup age, replica lag, job failures, Odds API credits), a textfile in the
    # Prometheus exposition format; loopback only.
    server {
        listen 127.0.0.1:$cluster_ops_metrics_port;
        access_log off;
        location = /metrics {
            default_type "text/plain; version=0.0.4";
            alias $dir/ops-metrics/ops.prom;
        }
    }
}
EOF
}

prometheus_conf() {
    local targets="" port
    for port in "${cluster_app_ports[@]}"; do
        targets+="'127.0.0.1:$port', "
    done
    cat <<EOF
# Written by deploy/cluster.sh (deploy/cluster-config.sh): edit the script, not this file.
global:
  scrape_interval: 15s
  evaluation_interval: 15s
rule_files:
  - alerts.yml
scrape_configs:
  - job_name: monps
    static_configs:
      - targets: [${targets%, }]
  - job_name: monps-ops
    static_configs:
      - targets: ['127.0.0.1:$cluster_ops_metrics_port']
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:$cluster_prometheus_port']
EOF
}

case "${1:-}" in
    nginx) nginx_conf ;;
    prometheus) prometheus_conf ;;
    *)
        printf 'usage: %s nginx|prometheus\n' "$(basename "$0")" >&2
        exit 2
        ;;
esac
