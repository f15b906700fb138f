#!/usr/bin/env bash
# Runs a throw-away PostgreSQL cluster for the store tests, on Debian's PostgreSQL.
#
#   scripts/postgres.sh start   # init (first time) and start; a running cluster is left alone
#   scripts/postgres.sh stop    # stop the cluster this script started
#   scripts/postgres.sh env     # print the export line for ILM_TEST_POSTGRES_DSN
#   scripts/postgres.sh status
#
# ILM_PG_DIR (default /tmp/ilm-pg) holds the data dir, the log, the socket and the pid file;
# ILM_PG_PORT (default 55432) is the port. The server listens on 127.0.0.1 only and trusts
# every local connection, so never point ILM_PG_DIR at data you care about.
set -euo pipefail

dir=${ILM_PG_DIR:-/tmp/ilm-pg}
port=${ILM_PG_PORT:-55432}
data=$dir/data
log=$dir/postgres.log
pidfile=$dir/postgres.pid
db=ilm_test

die() { echo "postgres.sh: $*" >&2; exit 1; }

# pg_bin prints the newest installed PostgreSQL bin directory, if any.
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install_postgres() {
	[ "$(id -u)" = 0 ] || die "PostgreSQL is not installed and installing needs root: apt-get install -y postgresql"
	echo "postgres.sh: installing PostgreSQL from Debian" >&2
	# Debian's package would otherwise create and start a system cluster on port 5432.
	mkdir -p /etc/postgresql-common/createcluster.d
	echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/ilm-no-main-cluster.conf
	"$(dirname "$0")/apt-install.sh" postgresql
}

bin=$(pg_bin)

# as_owner runs a command as the cluster's owner: initdb and postgres refuse to run as root.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

running() { [ -n "$bin" ] && [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1; }

ensure_cluster() {
	[ -f "$data/PG_VERSION" ] && return
	mkdir -p "$dir"
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$dir"
	fi
	as_owner test -w "$dir" || die "$dir is not writable by the cluster owner (postgres); set ILM_PG_DIR"
	as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
		--no-instructions >"$dir/initdb.log" 2>&1 || die "initdb failed, see $dir/initdb.log"
	# Test data only: durability is traded for speed.
	cat >>"$data/postgresql.conf" <<-'EOF'

		# scripts/postgres.sh: throw-away test cluster
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_connections = 200
	EOF
}

start() {
	if [ -z "$bin" ]; then
		install_postgres
		bin=$(pg_bin)
		[ -n "$bin" ] || die "no /usr/lib/postgresql/*/bin after installing postgresql"
	fi
	if running; then
		echo "postgres.sh: already running (pid $(head -n 1 "$data/postmaster.pid"))"
	else
		ensure_cluster
		as_owner "$bin/pg_ctl" start -D "$data" -l "$log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $dir" >/dev/null ||
			{ tail -n 20 "$log" >&2 || true; die "pg_ctl start failed, see $log"; }
	fi
	local i
	for i in $(seq 1 60); do
		if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
			break
		fi
		[ "$i" = 60 ] && die "server did not answer on 127.0.0.1:$port within 30s, see $log"
		sleep 0.5
	done
	if [ -z "$("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
		"SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
		"$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
	fi
	head -n 1 "$data/postmaster.pid" >"$pidfile"
	echo "postgres.sh: running on 127.0.0.1:$port (pid $(cat "$pidfile")), data in $data"
}

stop() {
	if ! running; then
		rm -f "$pidfile"
		echo "postgres.sh: not running"
		return
	fi
	local pid
	pid=$(head -n 1 "$data/postmaster.pid")
	if [ -f "$pidfile" ] && [ "$(cat "$pidfile")" != "$pid" ]; then
		die "$data is served by pid $pid, not by pid $(cat "$pidfile") that this script started; not stopping it"
	fi
	as_owner "$bin/pg_ctl" stop -D "$data" -m fast -w >/dev/null
	rm -f "$pidfile"
	echo "postgres.sh: stopped (pid $pid)"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
env) echo "export ILM_TEST_POSTGRES_DSN=postgres://postgres@127.0.0.1:$port/$db?sslmode=disable" ;;
status)
	if running; then
		echo "running (pid $(head -n 1 "$data/postmaster.pid")) on 127.0.0.1:$port"
	else
		echo "not running"
		exit 3
	fi
	;;
*) die "usage: $0 start|stop|env|status" ;;
esac
