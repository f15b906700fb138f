#!/usr/bin/env bash
# Runs one of ILM's stand-ins (internal/testing/standin/cmd/NAME) as a process, for the demo: an
# in-memory Okta org or SCIM app on a loopback port with a random API token. Stopped by the
# pid this script recorded; what it holds is lost when it stops.
#
#   scripts/standin.sh okta start|stop   Okta on http://127.0.0.1:${ILM_OKTA_PORT:-8017}, with the apps in
#                                        ${ILM_OKTA_APPS:-github_emu=GitHub} (created ids in apps.json)
#   scripts/standin.sh scim start|stop   a GitHub-dialect SCIM app on http://127.0.0.1:${ILM_SCIM_PORT:-8018}:
#                                        strict, and without the enterprise extension, as GitHub's users are
#
# ILM_STANDIN_DIR (default /tmp/ilm-standin) holds, per stand-in, the binary, the token
# (NAME/token), the log and the pid file.
set -euo pipefail
cd "$(dirname "$0")/.."

name=${1:-}
case "$name" in
okta) port=${ILM_OKTA_PORT:-8017} ;;
scim) port=${ILM_SCIM_PORT:-8018} ;;
*) echo "usage: $0 okta|scim start|stop" >&2; exit 2 ;;
esac
dir=${ILM_STANDIN_DIR:-/tmp/ilm-standin}/$name
pidfile=$dir/$name.pid

args() {
	case "$name" in
	okta) echo -apps "${ILM_OKTA_APPS:-github_emu=GitHub}" -apps-file "$dir/apps.json" ;;
	scim) echo -vendor github -strict -no-enterprise-extension ;;
	esac
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

start() {
	mkdir -p "$dir"
	if running; then echo "standin.sh: $name already running (pid $(cat "$pidfile"))"; return; fi
	go build -o "$dir/$name-standin" "./internal/testing/standin/cmd/$name"
	[ -s "$dir/token" ] || (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/token")
	# shellcheck disable=SC2046 # args are words by design
	"$dir/$name-standin" -addr "127.0.0.1:$port" -token-file "$dir/token" $(args) >"$dir/$name.log" 2>&1 &
	echo $! >"$pidfile"
	for _ in $(seq 1 40); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "standin.sh: $name stand-in on http://127.0.0.1:$port (pid $(cat "$pidfile"))"
			return
		fi
		running || break
		sleep 0.25
	done
	cat "$dir/$name.log" >&2
	exit 1
}

stop() {
	if ! running; then rm -f "$pidfile"; return; fi
	local pid
	pid=$(cat "$pidfile")
	kill "$pid"
	for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
	rm -f "$pidfile"
	echo "standin.sh: $name stopped (pid $pid)"
}

case "${2:-}" in
start) start ;;
stop) stop ;;
*) echo "usage: $0 okta|scim start|stop" >&2; exit 2 ;;
esac
