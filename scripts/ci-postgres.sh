#!/usr/bin/env bash
# Start a local PostgreSQL for the yuqi-db tests and print its admin URL.
#
#   export YUQI_TEST_PG_URL=$(bash scripts/ci-postgres.sh)
#
# For a fresh Debian machine, run as root. Idempotent: installs the `postgresql` package only if
# it is missing, creates the Debian cluster only if there is none, starts it only if it is down,
# and creates (or resets) the role yuqi/yuqi with CREATEDB. The tests create and drop their own
# databases `yuqi_t_<random>` through that role.
#
# stdout carries exactly one line, the URL; every log line goes to stderr.
set -euo pipefail

exec 3>&1 1>&2 # keep fd 3 for the URL; everything else goes to stderr
log() { echo "ci-postgres: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    log "must run as root (installs packages, starts the cluster as user postgres)"
    exit 1
fi

have_server() {
    command -v pg_ctlcluster >/dev/null 2>&1 && compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

if ! have_server; then
    log "installing postgresql (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q postgresql
fi
have_server || { log "postgresql is still not installed"; exit 1; }

version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
cluster_field() { # $1 = column of pg_lsclusters (3 = port, 4 = status)
    pg_lsclusters --no-header | awk -v v="$version" -v f="$1" '$1 == v && $2 == "main" { print $f }'
}

# Run a command that may leave a daemon behind with stdin from /dev/null, its output on stderr
# through a file, and every other inherited descriptor closed: a server that kept the pipe of
# `$(bash scripts/ci-postgres.sh)` (fd 3 here) or of a CI log open would make the caller hang.
detached() {
    local out status=0
    out=$(mktemp)
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
        done
        exec "$@"
    ) </dev/null >"$out" 2>&1 || status=$?
    cat "$out" >&2
    rm -f "$out"
    return "$status"
}

if [ -z "$(cluster_field 4)" ]; then
    log "creating cluster $version/main"
    detached pg_createcluster "$version" main
fi

if [ "$(cluster_field 4)" != "online" ]; then
    log "starting cluster $version/main"
    # Another run may be starting it at the same moment: check the status again before failing.
    detached pg_ctlcluster "$version" main start || detached service postgresql start ||
        [ "$(cluster_field 4)" = "online" ]
fi

port=$(cluster_field 3)
port=${port:-5432}

log "waiting for the server on 127.0.0.1:$port"
for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$port"; then
        break
    fi
    sleep 1
done
pg_isready -h 127.0.0.1 -p "$port" >&2 || { log "server not ready after 60 s"; exit 1; }

log "ensuring role yuqi (password yuqi, CREATEDB)"
runuser -u postgres -- psql -q -X -v ON_ERROR_STOP=1 -p "$port" -d postgres >&2 <<'SQL'
DO $$
BEGIN
    CREATE ROLE yuqi LOGIN PASSWORD 'yuqi' CREATEDB;
EXCEPTION WHEN duplicate_object THEN
    ALTER ROLE yuqi LOGIN PASSWORD 'yuqi' CREATEDB;
END
$$;
SQL

url="postgres://yuqi:yuqi@127.0.0.1:$port/postgres"
# Check the URL really works over TCP with the password (pg_hba), not only the local socket.
PGPASSWORD=yuqi psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U yuqi -d postgres -tAc 'SELECT 1' >/dev/null ||
    { log "cannot log in as yuqi over TCP; check pg_hba.conf"; exit 1; }

log "ready"
echo "$url" >&3
