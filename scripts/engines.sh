#!/usr/bin/env bash
# PostgreSQL and Redis for the tests, as root on Debian: install them when missing, start them, print the env lines
# (`RASOAT_TEST_DATABASE_URL=…`, `RASOAT_TEST_REDIS_URL=…`); `stop` ends only what `start` started.
#   scripts/engines.sh start STATE_FILE   → KEY=VALUE lines on stdout, progress on stderr
#   scripts/engines.sh stop STATE_FILE
set -euo pipefail

action="${1:-}"
state="${2:-}"
if [ -z "$action" ] || [ -z "$state" ]; then
  echo "usage: $0 start|stop STATE_FILE" >&2
  exit 2
fi

say() { echo "engines: $*" >&2; }

# The role and database the tests use; tests create their own databases and schemas next to it (CREATEDB).
test_role=rasoat_test
test_password=rasoat_test

stop_engines() {
  [ -f "$state" ] || return 0
  # shellcheck disable=SC1090
  . "$state"
  if [ -n "${redis_pidfile:-}" ] && [ -f "$redis_pidfile" ]; then
    pid="$(cat "$redis_pidfile")"
    say "stopping the Redis started for the tests (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    rm -rf "$(dirname "$redis_pidfile")"
  fi
  if [ -n "${pg_started:-}" ]; then
    say "stopping PostgreSQL cluster $pg_started (it was down before the tests)"
    # shellcheck disable=SC2086
    pg_ctlcluster $pg_started stop -m fast || true
  fi
  rm -f "$state"
}

if [ "$action" = stop ]; then
  stop_engines
  exit 0
fi
if [ "$action" != start ]; then
  echo "usage: $0 start|stop STATE_FILE" >&2
  exit 2
fi

if [ "$(id -u)" != 0 ]; then
  say "setting up PostgreSQL and Redis needs root; otherwise set RASOAT_TEST_DATABASE_URL and RASOAT_TEST_REDIS_URL"
  exit 1
fi

missing=()
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} with apt-get"
  apt-get update -qq >&2
  # Package scripts must not start services of their own: this script starts (and later stops) what the tests need.
  policy=/usr/sbin/policy-rc.d
  own_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  [ -z "$own_policy" ] || rm -f "$policy"
fi

mkdir -p "$(dirname "$state")"
: >"$state"

# PostgreSQL: the newest installed version's "main" cluster, created when the package did not create one.
pg_version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main"' | grep -q .; then
  say "creating PostgreSQL cluster $pg_version main"
  pg_createcluster "$pg_version" main >&2
fi
cluster_line="$(pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main"')"
pg_port="$(echo "$cluster_line" | awk '{print $3}')"
if echo "$cluster_line" | awk '{print $4}' | grep -q '^online'; then
  say "PostgreSQL $pg_version main already runs on port $pg_port (left running at the end)"
else
  say "starting PostgreSQL $pg_version main on port $pg_port"
  pg_ctlcluster "$pg_version" main start >&2
  echo "pg_started='$pg_version main'" >>"$state"
fi
for _ in $(seq 1 60); do
  su postgres -c "psql -p $pg_port -qAtc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 0.5
done
psql_admin() { su postgres -c "psql -p $pg_port -v ON_ERROR_STOP=1 -qAt -c \"$1\"" >&2; }
# The role's password and rights are set every time: a role left by an earlier setup may differ.
if [ "$(su postgres -c "psql -p $pg_port -qAtc \"SELECT 1 FROM pg_roles WHERE rolname = '$test_role'\"")" != 1 ]; then
  psql_admin "CREATE ROLE $test_role LOGIN CREATEDB PASSWORD '$test_password'"
else
  psql_admin "ALTER ROLE $test_role LOGIN CREATEDB PASSWORD '$test_password'"
fi
if [ "$(su postgres -c "psql -p $pg_port -qAtc \"SELECT 1 FROM pg_database WHERE datname = '$test_role'\"")" != 1 ]; then
  psql_admin "CREATE DATABASE $test_role OWNER $test_role"
fi

# Redis: always a private one on a free loopback port, without persistence (it carries no truth); never the
# machine's own Redis, whose data the tests must not touch.
redis_port="$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close() })")"
redis_dir="$(mktemp -d -t rasoat-redis.XXXXXX)"
redis_pidfile="$redis_dir/redis.pid"
redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
  --dir "$redis_dir" --pidfile "$redis_pidfile" --logfile "$redis_dir/redis.log" >&2
echo "redis_pidfile='$redis_pidfile'" >>"$state"
for _ in $(seq 1 60); do
  [ "$(redis-cli -p "$redis_port" ping 2>/dev/null || true)" = PONG ] && break
  sleep 0.2
done
say "Redis on 127.0.0.1:$redis_port"

echo "RASOAT_TEST_DATABASE_URL=postgres://$test_role:$test_password@127.0.0.1:$pg_port/$test_role"
echo "RASOAT_TEST_REDIS_URL=redis://127.0.0.1:$redis_port"
