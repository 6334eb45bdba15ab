#!/usr/bin/env bash
# A real SMTP server for the tests (deploy/smtp-sink.py on aiosmtpd, pinned, in its own virtualenv), with all state in
# $MONPS_VAR_DIR/<profile>/smtp. deploy/test.sh starts it beside PostgreSQL and Redis and stops it on exit.
#   deploy/smtp-sink.sh start  [dev|test]   start (idempotent), wait until it accepts connections
#   deploy/smtp-sink.sh stop   [dev|test]   stop (idempotent)
#   deploy/smtp-sink.sh status [dev|test]   exit 3 when it is not running
#   deploy/smtp-sink.sh env    [dev|test]   print the MONPS_TEST_SMTP_* exports the Swift tests read
# Ports: MONPS_SMTP_PORT (default 25253: plain SMTP offering STARTTLS) and MONPS_SMTP_PORT + 1 (implicit TLS).
# Layout: <var>/<profile>/smtp/{mail/ (one .eml + .json per message), cert.pem, key.pem, sink.pid, sink.log};
# the certificate is self-signed for `localhost` and 127.0.0.1 (the tests trust it through MONPS_SMTP_CA_FILE).
# Credentials the sink accepts: monps / sink-secret (test values, not secrets).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

aiosmtpd_version=1.4.6
command=${1:-}
profile=${2:-test}
monps_check_profile "$profile"
port=${MONPS_SMTP_PORT:-25253}
[[ "$port" =~ ^[0-9]+$ && "$port" -ge 1 && "$port" -lt 65535 ]] || monps_die "invalid MONPS_SMTP_PORT '$port'"
timeout_s=${MONPS_SERVICE_TIMEOUT:-60}
dir="$(monps_profile_dir "$profile")/smtp"
venv="$(monps_var_dir)/smtp/venv"
pidfile="$dir/sink.pid"

sink_pid() {
    local pid
    pid=$(cat "$pidfile" 2>/dev/null || true)
    monps_pid_is "$pid" smtp-sink.py && printf '%s' "$pid"
}

ensure_venv() {
    if ! "$venv/bin/python" -c "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '$aiosmtpd_version')" 2>/dev/null; then
        monps_info "installing aiosmtpd $aiosmtpd_version into $venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==$aiosmtpd_version"
    fi
}

ensure_certificate() {
    [[ -f "$dir/cert.pem" && -f "$dir/key.pem" ]] && return 0
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1 || monps_die "openssl could not make the sink's certificate"
}

start() {
    local pid deadline
    mkdir -p "$dir/mail"
    if pid=$(sink_pid); then
        monps_info "SMTP sink ($profile): already running (pid $pid)"
        return 0
    fi
    monps_require_free_port "$port" "the SMTP sink ($profile)" MONPS_SMTP_PORT "$0 start $profile"
    monps_require_free_port "$((port + 1))" "the SMTP sink's TLS port ($profile)" MONPS_SMTP_PORT "$0 start $profile"
    ensure_venv
    ensure_certificate
    monps_info "SMTP sink ($profile): starting on 127.0.0.1:$port (STARTTLS) and :$((port + 1)) (TLS)"
    nohup "$venv/bin/python" "$MONPS_DEPLOY_DIR/smtp-sink.py" --port "$port" --dir "$dir/mail" \
        --cert "$dir/cert.pem" --key "$dir/key.pem" >"$dir/sink.log" 2>&1 &
    printf '%s\n' "$!" >"$pidfile"
    deadline=$((SECONDS + timeout_s))
    until monps_port_in_use "$port" && monps_port_in_use "$((port + 1))"; do
        if ! sink_pid >/dev/null || [[ $SECONDS -ge $deadline ]]; then
            tail -n 20 "$dir/sink.log" >&2 || true
            monps_die "SMTP sink ($profile) did not start (log: $dir/sink.log)"
        fi
        sleep 0.1
    done
    monps_info "SMTP sink ($profile): ready, messages in $dir/mail"
}

stop() {
    local pid deadline
    if ! pid=$(sink_pid); then
        rm -f "$pidfile"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout_s))
    while kill -0 "$pid" 2>/dev/null; do
        if [[ $SECONDS -ge $deadline ]]; then
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.1
    done
    rm -f "$pidfile"
    monps_info "SMTP sink ($profile): stopped"
}

case "$command" in
    start) start ;;
    stop) stop ;;
    status)
        if pid=$(sink_pid); then
            printf 'smtp sink (%s): running, pid %s, port %s, mail in %s\n' "$profile" "$pid" "$port" "$dir/mail"
        else
            printf 'smtp sink (%s): stopped\n' "$profile"
            exit 3
        fi
        ;;
    env)
        printf 'export MONPS_TEST_SMTP_PORT=%s MONPS_TEST_SMTP_DIR=%q MONPS_TEST_SMTP_CA=%q\n' \
            "$port" "$dir/mail" "$dir/cert.pem"
        ;;
    *)
        printf 'usage: %s start|stop|status|env [dev|test]\n' "$(basename "$0")" >&2
        exit 2
        ;;
esac
