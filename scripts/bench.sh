#!/usr/bin/env bash
# `make bench`: the planning benchmark (no server), then App Sync's (on a Temporal dev server
# started here unless ILM_BENCH_TEMPORAL_ADDRESS names one, stopped by pid on exit).
set -euo pipefail
cd "$(dirname "$0")/.."

go run ./bench/plan "$@"

started=""
cleanup() { if [ -n "$started" ]; then scripts/temporal.sh stop || true; fi; }
trap cleanup EXIT
if [ -z "${ILM_BENCH_TEMPORAL_ADDRESS:-}" ]; then
	export ILM_TEMPORAL_DIR=${ILM_TEMPORAL_DIR:-/tmp/ilm-temporal-bench} ILM_TEMPORAL_PORT=${ILM_TEMPORAL_PORT:-7255} ILM_TEMPORAL_UI_PORT=${ILM_TEMPORAL_UI_PORT:-8255}
	# In memory: the server's disk writes would be measured, not ILM.
	scripts/temporal.sh start memory
	started=yes
	export ILM_BENCH_TEMPORAL_ADDRESS=127.0.0.1:$ILM_TEMPORAL_PORT
fi
go run ./bench/applog
