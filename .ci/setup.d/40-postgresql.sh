#!/usr/bin/env bash
# PostgreSQL server binaries for the hub index tests: PostgresIndexTest and SharedHubTest (and
# bench/hub-scale.sh) start their own throwaway cluster on loopback (initdb + pg_ctl as the postgres
# user) and stop it afterwards. Their S3-compatible server, S3Proxy, comes from Maven with the build.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
