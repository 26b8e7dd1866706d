#!/usr/bin/env bash
# Makes sure the PostgreSQL the tests use is running (machines of this kind have it installed;
# it may have been stopped). Prints what it did; never fails the caller by itself: the tests
# decide whether a missing server is a skip or, with ROTA_REQUIRE_POSTGRES=1, a failure.
set -u
host=127.0.0.1 port=5432
if pg_isready -q -h "$host" -p "$port" 2>/dev/null; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "ensure-postgres: starting PostgreSQL $version" >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>&1 | sed 's/^/ensure-postgres: /' >&2
  for _ in $(seq 1 30); do
    pg_isready -q -h "$host" -p "$port" 2>/dev/null && exit 0
    sleep 1
  done
fi
echo "ensure-postgres: no PostgreSQL on $host:$port; its tests will be skipped unless required" >&2
exit 0
