#!/usr/bin/env bash
# Temporal dev server for tests and the demo: the real `temporal server start-dev`, on
# loopback, with ILM's search attributes registered, stopped by its pid.
#
#   scripts/temporal.sh install          build the temporal CLI if missing (about 5 minutes)
#   scripts/temporal.sh start [DBFILE]   start on 127.0.0.1:${ILM_TEMPORAL_PORT:-7233}, UI on :${ILM_TEMPORAL_UI_PORT:-8233};
#                                        DBFILE "memory" keeps nothing on disk (the benchmarks)
#   scripts/temporal.sh stop             stop the server this script started
#   scripts/temporal.sh path             print the CLI's path
#
# ILM_TEMPORAL_EXTRA_FLAGS adds flags to start-dev, split on spaces (the demo's
# --ui-codec-endpoint).
set -euo pipefail

TEMPORAL_VERSION=v1.5.1
DIR=${ILM_TEMPORAL_DIR:-/tmp/ilm-temporal}
PORT=${ILM_TEMPORAL_PORT:-7233}
UI_PORT=${ILM_TEMPORAL_UI_PORT:-8233}
PIDFILE=$DIR/temporal.pid

cli_path() {
	if [ -n "${TEMPORAL_CLI_PATH:-}" ] && [ -x "$TEMPORAL_CLI_PATH" ]; then echo "$TEMPORAL_CLI_PATH"; return; fi
	local gobin
	gobin=$(go env GOBIN); [ -n "$gobin" ] || gobin=$(go env GOPATH)/bin
	echo "$gobin/temporal"
}

install() {
	local cli
	cli=$(cli_path)
	if [ -x "$cli" ]; then return; fi
	echo "building the temporal CLI $TEMPORAL_VERSION (go install, about 5 minutes)…" >&2
	go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION"
}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
	install
	mkdir -p "$DIR"
	if running; then echo "temporal dev server already running (pid $(cat "$PIDFILE"))" >&2; return; fi
	local db=${1:-$DIR/temporal.db} dbargs=() extra=()
	read -r -a extra <<<"${ILM_TEMPORAL_EXTRA_FLAGS:-}"
	if [ "$db" != memory ]; then
		mkdir -p "$(dirname "$db")"
		dbargs=(--db-filename "$db")
	fi
	"$(cli_path)" server start-dev --ip 127.0.0.1 --ui-ip 127.0.0.1 \
		--port "$PORT" --ui-port "$UI_PORT" "${dbargs[@]}" --log-level error \
		--search-attribute EmployeeID=Keyword --search-attribute Email=Keyword --search-attribute IncidentType=Keyword \
		--search-attribute Instance=Keyword --search-attribute ReviewState=Keyword \
		--search-attribute Reviewer=Keyword "${extra[@]}" \
		>"$DIR/temporal.log" 2>&1 &
	echo $! >"$PIDFILE"
	for _ in $(seq 1 120); do
		if "$(cli_path)" operator cluster health --address "127.0.0.1:$PORT" >/dev/null 2>&1; then
			echo "temporal dev server on 127.0.0.1:$PORT, Web UI http://127.0.0.1:$UI_PORT (pid $(cat "$PIDFILE"))" >&2
			return
		fi
		if ! running; then break; fi
		sleep 0.5
	done
	echo "temporal dev server did not start; log:" >&2
	cat "$DIR/temporal.log" >&2
	exit 1
}

stop() {
	if ! running; then rm -f "$PIDFILE"; return; fi
	local pid
	pid=$(cat "$PIDFILE")
	kill "$pid"
	for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$PIDFILE"
}

case "${1:-}" in
install) install ;;
start) shift; start "$@" ;;
stop) stop ;;
path) cli_path ;;
*) echo "usage: $0 install|start [DBFILE]|stop|path" >&2; exit 2 ;;
esac
