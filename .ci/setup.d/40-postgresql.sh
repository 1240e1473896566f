#!/usr/bin/env bash
# PostgreSQL server binaries for the hub index tests (they start a throwaway cluster on loopback).
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
# Tests start their own cluster; the packaged one is not needed.
if command -v pg_ctlcluster >/dev/null; then
  for c in /etc/postgresql/*/main; do
    [ -d "$c" ] || continue
    v=$(basename "$(dirname "$c")")
    pg_ctlcluster "$v" main stop >/dev/null 2>&1 || true
  done
fi
