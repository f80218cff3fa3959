#!/usr/bin/env bash
# Builds and installs the pgvector extension into the local PostgreSQL 15 (Debian bookworm, run as root).
#
# Bookworm packages no pgvector for PostgreSQL 15, so this builds Debian trixie's source package (pgvector 0.8.x)
# against postgresql-server-dev-15. It does nothing when the extension files are already installed, and it removes
# the trixie deb-src entry it adds, so later apt-get runs see only bookworm.
set -euo pipefail

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
SOURCES_ENTRY=/etc/apt/sources.list.d/vectorspace-trixie-src.list

sharedir=$("$PG_CONFIG" --sharedir 2>/dev/null || echo /usr/share/postgresql/15)
if [ -f "$sharedir/extension/vector.control" ]; then
  echo "pgvector is already installed in $sharedir/extension; skipping the build."
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends postgresql-server-dev-15 build-essential ca-certificates dpkg-dev

cleanup() {
  rm -f "$SOURCES_ENTRY"
  apt-get update >/dev/null 2>&1 || true
  [ -n "${workdir:-}" ] && rm -rf "$workdir"
}
trap cleanup EXIT

echo 'deb-src http://deb.debian.org/debian trixie main' > "$SOURCES_ENTRY"
apt-get update

workdir=$(mktemp -d)
cd "$workdir"
apt-get source --download-only pgvector
dpkg-source -x pgvector_*.dsc pgvector-src >/dev/null
cd pgvector-src

make PG_CONFIG="$PG_CONFIG" OPTFLAGS=""
make PG_CONFIG="$PG_CONFIG" install
echo "pgvector installed into $sharedir/extension."
