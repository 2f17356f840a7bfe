#!/usr/bin/env bash
# Makes sure a Postgres server answers at the given URL and that a database exists on it.
# Usage: scripts/ensure-postgres.sh postgres://user@host:port database
# Exits 1 when no server can be reached or started.
set -euo pipefail
url="$1"
database="$2"
hostport="${url#*@}"
host="${hostport%%:*}"
port="${hostport##*:}"
port="${port%%/*}"

if ! pg_isready -q -h "$host" -p "$port" 2>/dev/null; then
    # The machines of this project run a Debian cluster that may just be stopped.
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
        version="$(ls /etc/postgresql | sort -V | tail -n 1)"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
        for _ in $(seq 1 20); do
            pg_isready -q -h "$host" -p "$port" && break
            sleep 0.5
        done
    fi
fi
if ! pg_isready -q -h "$host" -p "$port" 2>/dev/null; then
    echo "no Postgres server answers at $host:$port" >&2
    exit 1
fi
if ! psql "$url/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    psql "$url/postgres" -qc "CREATE DATABASE \"$database\"" >/dev/null
fi
