#!/usr/bin/env bash
# Says clearly which of the servers the live tests need does not answer on loopback.
set -uo pipefail
status=0
check() {
  local name=$1; shift
  if timeout 5 "$@" >/dev/null 2>&1; then echo "ok       $name"; else echo "MISSING  $name: '$*' failed" >&2; status=1; fi
}
check "PostgreSQL 127.0.0.1:5432" pg_isready -h 127.0.0.1 -p 5432
check "MariaDB 127.0.0.1:3306" bash -c 'mariadb-admin -h 127.0.0.1 -P 3306 -u root ping || mysqladmin -h 127.0.0.1 -P 3306 -u root ping'
check "Redis 127.0.0.1:6379" bash -c '[ "$(redis-cli -h 127.0.0.1 -p 6379 ping)" = PONG ]'
check "RabbitMQ 127.0.0.1:5672" bash -c 'exec 3<>/dev/tcp/127.0.0.1/5672'
exit $status
