#!/usr/bin/env bash
# Runs mailpit, a real SMTP server that keeps what it receives and shows it over an HTTP API,
# for the mail tests and the demo. Loopback only; stopped by the pid this script recorded.
#
#   scripts/mailpit.sh install   build mailpit if missing (go install, a minute or two)
#   scripts/mailpit.sh start     install if needed and start; a running one is left alone
#   scripts/mailpit.sh stop      stop the mailpit this script started
#   scripts/mailpit.sh env       print the export lines for ILM_TEST_SMTP_ADDR and ILM_TEST_MAILPIT_API
#   scripts/mailpit.sh status
#
# SMTP listens on 127.0.0.1:${ILM_MAILPIT_SMTP_PORT:-1025}, the web UI and API on
# 127.0.0.1:${ILM_MAILPIT_UI_PORT:-8025}. ILM_MAILPIT_DIR (default /tmp/ilm-mailpit) holds the
# log and the pid file; mail goes to a temporary database that mailpit deletes when it stops,
# unless ILM_MAILPIT_DB names a database file to keep (relative names are under ILM_MAILPIT_DIR). SMTP accepts any user name and password,
# or none, without TLS, so the SMTP AUTH path can be tested; the chaos API (PUT /api/v1/chaos)
# is on, so tests can make the server answer with 4xx/5xx errors.
set -euo pipefail

MAILPIT_VERSION=v1.33.1
dir=${ILM_MAILPIT_DIR:-/tmp/ilm-mailpit}
smtp_port=${ILM_MAILPIT_SMTP_PORT:-1025}
ui_port=${ILM_MAILPIT_UI_PORT:-8025}
db=${ILM_MAILPIT_DB:-}
log=$dir/mailpit.log
pidfile=$dir/mailpit.pid
api=http://127.0.0.1:$ui_port

die() { echo "mailpit.sh: $*" >&2; exit 1; }

bin_path() {
	local gobin
	gobin=$(go env GOBIN)
	[ -n "$gobin" ] || gobin=$(go env GOPATH)/bin
	echo "$gobin/mailpit"
}

install() {
	[ -x "$(bin_path)" ] && return
	echo "mailpit.sh: building mailpit $MAILPIT_VERSION (go install, a minute or two)…" >&2
	# Outside the module, so ILM's go.mod is neither read nor touched.
	(cd / && go install "github.com/axllent/mailpit@$MAILPIT_VERSION")
}

# running says whether the recorded pid is alive and still mailpit (not a reused pid).
running() {
	[ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null &&
		[ "$(cat "/proc/$(cat "$pidfile")/comm" 2>/dev/null)" = mailpit ]
}

# answers says whether mailpit's API is up.
answers() {
	if command -v curl >/dev/null; then
		curl -fs -o /dev/null --max-time 2 "$api/api/v1/info"
	else
		# bash's /dev/tcp: enough to know the listener is up when curl is missing.
		(exec 3<>"/dev/tcp/127.0.0.1/$ui_port") 2>/dev/null
	fi
}

start() {
	install
	mkdir -p "$dir"
	if running; then
		echo "mailpit.sh: already running (pid $(cat "$pidfile"))"
		return
	fi
	# Another server on these ports would answer for us and make the tests read its mail.
	answers && die "something else already serves $api; set ILM_MAILPIT_UI_PORT and ILM_MAILPIT_SMTP_PORT"
	local dbargs=()
	if [ -n "$db" ]; then
		case $db in /*) ;; *) db=$dir/$db ;; esac
		dbargs=(--database "$db")
	fi
	"$(bin_path)" --smtp "127.0.0.1:$smtp_port" --listen "127.0.0.1:$ui_port" \
		--smtp-auth-accept-any --smtp-auth-allow-insecure --enable-chaos \
		--smtp-disable-rdns --disable-version-check --quiet "${dbargs[@]}" \
		>"$log" 2>&1 &
	echo $! >"$pidfile"
	local i
	for i in $(seq 1 60); do
		if running && answers; then
			echo "mailpit.sh: running, SMTP 127.0.0.1:$smtp_port, UI/API $api (pid $(cat "$pidfile"))"
			return
		fi
		# Liveness by pid alone: just after the fork the child is not yet called mailpit.
		kill -0 "$(cat "$pidfile")" 2>/dev/null || break
		[ "$i" = 60 ] && break
		sleep 0.5
	done
	tail -n 20 "$log" >&2 || true
	kill "$(cat "$pidfile")" 2>/dev/null || true
	rm -f "$pidfile"
	die "mailpit exited or did not answer on $api within 30s, see $log"
}

stop() {
	if ! running; then
		rm -f "$pidfile"
		echo "mailpit.sh: not running"
		return
	fi
	local pid
	pid=$(cat "$pidfile")
	kill "$pid"
	for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$pidfile"
	echo "mailpit.sh: stopped (pid $pid)"
}

case "${1:-}" in
install) install ;;
start) start ;;
stop) stop ;;
env)
	echo "export ILM_TEST_SMTP_ADDR=127.0.0.1:$smtp_port"
	echo "export ILM_TEST_MAILPIT_API=$api"
	;;
status)
	if running; then
		echo "running (pid $(cat "$pidfile")), SMTP 127.0.0.1:$smtp_port, UI/API $api"
	else
		echo "not running"
		exit 3
	fi
	;;
*) die "usage: $0 install|start|stop|env|status" ;;
esac
