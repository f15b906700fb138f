#!/usr/bin/env bash
# `make demo`: ILM end to end on embedded defaults. Starts the Temporal dev server (SQLite file,
# Web UI on :8233) and the worker on a SQLite store, applies the poll schedules and runs one
# poll of the bundled sample report now. Everything keeps running for you to look at;
# `scripts/demo.sh stop` stops it (by pid).
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO=$PWD/.demo
CONFIG=ilm.example.yaml
STORE=sqlite:$DEMO/ilm.db
export ILM_TEMPORAL_DIR=$DEMO/temporal ILM_TEMPORAL_PORT=7233 ILM_TEMPORAL_UI_PORT=8233

stop() {
	if [ -f "$DEMO/worker.pid" ] && kill -0 "$(cat "$DEMO/worker.pid")" 2>/dev/null; then
		kill "$(cat "$DEMO/worker.pid")"
	fi
	rm -f "$DEMO/worker.pid"
	scripts/temporal.sh stop
}

if [ "${1:-}" = stop ]; then stop; echo "demo stopped"; exit 0; fi

mkdir -p "$DEMO"
[ -x bin/ilm ] && [ -x bin/ilm-worker ] || make build
scripts/temporal.sh start "$DEMO/temporal/temporal.db"

if ! { [ -f "$DEMO/worker.pid" ] && kill -0 "$(cat "$DEMO/worker.pid")" 2>/dev/null; }; then
	bin/ilm-worker --config "$CONFIG" --store "$STORE" >"$DEMO/worker.log" 2>&1 &
	echo $! >"$DEMO/worker.pid"
fi

bin/ilm schedules apply --config "$CONFIG" --store "$STORE"
bin/ilm poll --config "$CONFIG" --store "$STORE" --instance workday

cat <<MSG

ILM demo is running.
  Web UI:        http://localhost:8233/namespaces/default/workflows
  one person:    http://localhost:8233/namespaces/default/workflows?query=EmployeeID%3D%221001%22
  by type:       query  IncidentType="IAM - New Hire"
  profiles:      bin/ilm profiles list --config $CONFIG --store $STORE
  history:       bin/ilm profiles history 1001 --config $CONFIG --store $STORE
  dry run:       bin/ilm plan --config $CONFIG --store $STORE --instance workday --report examples/workday-report-day2.json
  next day:      bin/ilm poll --config $CONFIG --store $STORE --instance workday --report examples/workday-report-day2.json
  worker log:    $DEMO/worker.log
  stop:          scripts/demo.sh stop
The schedule poll-workday polls every 15 minutes; the next poll activates AD for the new hires
whose hire date is within 3 days (days_before_hire_to_enable_ad).
MSG
