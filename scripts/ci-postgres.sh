#!/usr/bin/env bash
# Prepares the local PostgreSQL 15 for the embedding store tests (Debian bookworm, run as root): installs the server
# when missing, builds pgvector (scripts/install-pgvector.sh), starts the cluster and creates a fresh database `vectorspace_test`.
# Prints the TEST_DATABASE_URL to use on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 >&2
fi
bash scripts/install-pgvector.sh >&2

if ! pg_lsclusters -h | awk '$1 == "15" && $2 == "main"' | grep -q .; then
  pg_createcluster 15 main >&2
fi
if ! pg_ctlcluster 15 main status >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect 15 main start >&2
fi

admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA "$@"; }
# A fresh database every run, so the migrations and tests start from what this checkout defines, not from what an
# earlier run or branch left behind.
admin -d postgres -c 'DROP DATABASE IF EXISTS vectorspace_test WITH (FORCE)' >&2
admin -d postgres -c 'CREATE DATABASE vectorspace_test' >&2

# Loopback connections of a fresh cluster need a password (scram); a trust setup ignores it.
url='postgres://postgres@127.0.0.1:5432/vectorspace_test'
if ! psql "$url" -qtAc 'SELECT 1' >/dev/null 2>&1; then
  admin -d postgres -c "ALTER ROLE postgres PASSWORD 'postgres'" >&2
  url='postgres://postgres:postgres@127.0.0.1:5432/vectorspace_test'
fi
psql "$url" -qtAc 'SELECT 1' >/dev/null
echo "$url"
