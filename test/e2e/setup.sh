#!/usr/bin/env bash
# Prepares a Debian machine for `npm run test:e2e`: the real tools the live tier runs (nginx, Caddy,
# Prometheus/promtool, memcached, shellcheck, openssl, unshare/nsenter/setpriv, ip), the clients it uses to
# make scratch databases (psql, mysql, redis-cli), and what the generated projects' requirements need to
# build on Python 3.11 (venv, headers, libmariadb-dev + pkg-config for mysqlclient). Then it checks that
# PostgreSQL, MariaDB and Redis answer on loopback and says clearly which does not.
# Idempotent and quiet: apt-get runs only when a package is missing; nothing is printed on success.
# Services the packages would start (nginx on :80, memcached, prometheus) are kept from starting.
set -euo pipefail

PACKAGES=(
  nginx caddy prometheus memcached shellcheck openssl ca-certificates curl
  iproute2 util-linux mount libc-bin
  postgresql-client mariadb-client redis-tools
  python3-venv python3-dev build-essential libmariadb-dev pkg-config
  docker.io debootstrap
)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup.sh: run as root (or install sudo)" >&2; exit 1; }
  SUDO=(sudo)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [ ! -e "$policy" ]; then
    # Tells the packages' install scripts not to start their services; removed again below.
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
    "${SUDO[@]}" chmod 755 "$policy"
    made_policy=1
  fi
  log=$(mktemp)
  if ! { "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    [ "$made_policy" -eq 0 ] || "${SUDO[@]}" rm -f "$policy"
    echo "setup.sh: apt-get failed (above)" >&2
    exit 1
  fi
  rm -f "$log"
  [ "$made_policy" -eq 0 ] || "${SUDO[@]}" rm -f "$policy"
fi

status=0
fail() {
  echo "setup.sh: $*" >&2
  status=1
}

# The venvs are made with Python 3.11 (E2E_PYTHON overrides).
py=${E2E_PYTHON:-python3.11}
if ! "$py" -c 'import sys, venv, ensurepip; assert sys.version_info[:2] == (3, 11)' >/dev/null 2>&1; then
  fail "$py is missing, is not Python 3.11, or cannot make venvs (python3-venv); set E2E_PYTHON to a Python 3.11"
fi

for tool in nginx caddy prometheus promtool memcached shellcheck openssl ip unshare nsenter setpriv psql mysql redis-cli; do
  command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null 2>&1 || fail "$tool not found after install"
done

# The servers the live tier runs against (started by the machine, not by this script).
timeout 10 pg_isready -q -h 127.0.0.1 -p 5432 ||
  fail "PostgreSQL does not answer on 127.0.0.1:5432 (start it: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start)"
timeout 10 psql -h 127.0.0.1 -p 5432 -U postgres -w -d postgres -tAc 'SELECT 1' </dev/null >/dev/null 2>&1 ||
  fail "PostgreSQL on 127.0.0.1:5432 does not let user postgres in without a password (the live tier needs trust auth)"
timeout 10 mysql -h 127.0.0.1 -P 3306 -u root -e 'SELECT 1' </dev/null >/dev/null 2>&1 ||
  fail "MariaDB does not answer on 127.0.0.1:3306 as root without a password"
[ "$(timeout 10 redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ] ||
  fail "Redis does not answer PING on 127.0.0.1:6379 (without a password)"

exit "$status"
