#!/usr/bin/env bash
# Backs up a running profile (default dev) into $MONPS_VAR_DIR/backups:
#   monps-<UTC timestamp>.dump   pg_dump -Fc of the monps database (restore with deploy/restore.sh)
#   redis-<UTC timestamp>.rdb    a Redis snapshot taken with BGSAVE (cache and session data)
#   deploy/backup.sh [dev|test]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -le 1 ]] || monps_die "usage: $(basename "$0") [dev|test]"
profile=${1:-dev}
monps_check_profile "$profile"
pg_bin=$(monps_pg_bin)
pg_port=$(monps_pg_port "$profile")
redis_port=$(monps_redis_port "$profile")

"$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -t 2 ||
    monps_die "PostgreSQL ($profile) is not running on 127.0.0.1:$pg_port: start it with deploy/services.sh start $profile"

backups="$(monps_var_dir)/backups"
mkdir -p "$backups"
chmod 700 "$backups"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
suffix=$stamp
if [[ "$profile" != dev ]]; then
    suffix="$profile-$stamp"
fi
dump="$backups/monps-$suffix.dump"

monps_info "PostgreSQL ($profile): dumping database $MONPS_DB_NAME"
(
    umask 077
    PGPASSWORD=$MONPS_DB_PASSWORD "$pg_bin/pg_dump" -Fc -h 127.0.0.1 -p "$pg_port" -U "$MONPS_DB_USER" \
        -d "$MONPS_DB_NAME" -f "$dump.tmp"
)
mv "$dump.tmp" "$dump"
monps_info "PostgreSQL ($profile): $dump ($(du -h "$dump" | cut -f1))"

# Redis holds caches, rate limits and sessions: nice to have, not needed to restore the service.
redis() { redis-cli -h 127.0.0.1 -p "$redis_port" "$@"; }
if [[ "$(redis ping 2>/dev/null)" != PONG ]]; then
    monps_warn "Redis ($profile) is not running on 127.0.0.1:$redis_port: no Redis snapshot taken"
    exit 0
fi
# Completed snapshots: rdb_saves (Redis >= 7) counts them; LASTSAVE has only 1-second resolution.
saves() { redis INFO persistence | tr -d '\r' | sed -n 's/^rdb_saves://p'; }
before=$(saves)
redis BGSAVE SCHEDULE >/dev/null
deadline=$((SECONDS + ${MONPS_SERVICE_TIMEOUT:-60}))
while [[ "$(saves)" == "$before" ]]; do
    if [[ $SECONDS -ge $deadline ]]; then
        monps_warn "Redis ($profile): BGSAVE did not finish in time: no Redis snapshot copied"
        exit 0
    fi
    sleep 0.2
done
rdb="$(redis CONFIG GET dir | sed -n 2p)/$(redis CONFIG GET dbfilename | sed -n 2p)"
(
    umask 077
    cp "$rdb" "$backups/redis-$suffix.rdb"
)
monps_info "Redis ($profile): $backups/redis-$suffix.rdb (BGSAVE snapshot; to restore it: deploy/services.sh stop $profile, copy it over $rdb, delete the appendonlydir beside it, start again)"
