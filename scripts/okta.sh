#!/usr/bin/env bash
# Runs the Okta stand-in (internal/standin/cmd/okta) for the demo: an in-memory Okta org on
# http://127.0.0.1:${ILM_OKTA_PORT:-8017} with a random API token and the demo's apps. Stopped
# by the pid this script recorded; the org is lost when it stops.
#
#   scripts/okta.sh start    build and start; a running one is left alone
#   scripts/okta.sh stop
#
# ILM_OKTA_DIR (default /tmp/ilm-okta) holds the binary, the token (token), the created apps
# (apps.json: [{"id", "name", "label"}]), the log and the pid file.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${ILM_OKTA_DIR:-/tmp/ilm-okta}
port=${ILM_OKTA_PORT:-8017}
apps=${ILM_OKTA_APPS:-github_emu=GitHub}
pidfile=$dir/okta.pid

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

start() {
	mkdir -p "$dir"
	if running; then echo "okta.sh: already running (pid $(cat "$pidfile"))"; return; fi
	go build -o "$dir/okta-standin" ./internal/standin/cmd/okta
	[ -s "$dir/token" ] || (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/token")
	"$dir/okta-standin" -addr "127.0.0.1:$port" -token-file "$dir/token" -apps "$apps" \
		-apps-file "$dir/apps.json" >"$dir/okta.log" 2>&1 &
	echo $! >"$pidfile"
	for _ in $(seq 1 40); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "okta.sh: Okta stand-in on http://127.0.0.1:$port (pid $(cat "$pidfile"))"
			return
		fi
		running || break
		sleep 0.25
	done
	cat "$dir/okta.log" >&2
	exit 1
}

stop() {
	if ! running; then rm -f "$pidfile"; return; fi
	local pid
	pid=$(cat "$pidfile")
	kill "$pid"
	for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
	rm -f "$pidfile"
	echo "okta.sh: stopped (pid $pid)"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
