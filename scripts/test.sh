#!/usr/bin/env bash
# Runs ILM's tests against real servers: PostgreSQL (scripts/postgres.sh), a Temporal dev
# server (scripts/temporal.sh), mailpit (scripts/mailpit.sh) and a Samba AD DC
# (scripts/samba-ad.sh), each started here unless the environment already names one, and
# stopped on exit (by pid).
#
#   scripts/test.sh unit          go vet + unit tests (store suite on SQLite and PostgreSQL),
#                                 then each fuzz target briefly (scripts/fuzz.sh)
#   scripts/test.sh integration   the integration tests (integration/, build tag "integration")
#   scripts/test.sh all           both (default)
#   scripts/test.sh faults        the fault suite alone (build tags "integration faults"):
#                                 ILM_FAULT_PEOPLE new hires (default 60) through worker
#                                 kills, a Temporal restart and AD, Okta and SMTP outages. It
#                                 runs its own Temporal dev server and mailpit, and stops and
#                                 starts the Samba DC: run it alone.
#   scripts/test.sh scale         the scale-out suite alone (build tags "integration scale"):
#                                 ILM_SCALE_PEOPLE new hires (default 1000) through two
#                                 workers on PostgreSQL, one of them killed. It runs its own
#                                 Temporal dev server.
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
started=()
cleanup() {
	for s in "${started[@]}"; do "scripts/$s.sh" stop || true; done
}
trap cleanup EXIT
# The Samba AD DC, unless the environment names one.
start_samba() {
	if [ -z "${ILM_TEST_AD_URL:-}" ]; then
		scripts/samba-ad.sh start
		started+=(samba-ad)
		eval "$(scripts/samba-ad.sh env)"
	fi
}
# PostgreSQL, unless the environment names one.
start_postgres() {
	if [ -z "${ILM_TEST_POSTGRES_DSN:-}" ]; then
		scripts/postgres.sh start
		started+=(postgres)
		eval "$(scripts/postgres.sh env)"
	fi
}

if [ "$what" = faults ]; then
	start_samba
	go vet -tags integration,faults ./integration/...
	go test -race -count=1 -v -tags integration,faults -run '^TestFaultsChangeNothing$' -timeout 60m ./integration/...
	exit 0
fi
start_postgres
if [ "$what" = scale ]; then
	start_samba
	go vet -tags integration,scale ./integration/...
	go test -count=1 -v -tags integration,scale -run '^TestScaleOutTwoWorkersOneKilled$' -timeout 60m ./integration/...
	exit 0
fi
if [ "$what" != unit ] && [ -z "${ILM_TEST_TEMPORAL_ADDRESS:-}" ]; then
	export ILM_TEMPORAL_DIR=${ILM_TEMPORAL_DIR:-/tmp/ilm-temporal-test} ILM_TEMPORAL_PORT=${ILM_TEMPORAL_PORT:-7245} ILM_TEMPORAL_UI_PORT=${ILM_TEMPORAL_UI_PORT:-8245}
	rm -f "$ILM_TEMPORAL_DIR/temporal.db"
	scripts/temporal.sh start
	started+=(temporal)
	export ILM_TEST_TEMPORAL_ADDRESS=127.0.0.1:$ILM_TEMPORAL_PORT
fi
if [ -z "${ILM_TEST_SMTP_ADDR:-}" ]; then
	export ILM_MAILPIT_DIR=${ILM_MAILPIT_DIR:-/tmp/ilm-mailpit-test} ILM_MAILPIT_SMTP_PORT=${ILM_MAILPIT_SMTP_PORT:-1125} ILM_MAILPIT_UI_PORT=${ILM_MAILPIT_UI_PORT:-8125}
	scripts/mailpit.sh start
	started+=(mailpit)
	eval "$(scripts/mailpit.sh env)"
fi
start_samba
export ILM_SHARED=${ILM_SHARED:-$(cd .. && pwd)/shared}

if [ "$what" != integration ]; then
	go vet ./...
	go test -race -count=1 ./...
	scripts/fuzz.sh
fi
if [ "$what" != unit ]; then
	go vet -tags integration ./integration/...
	go test -race -count=1 -tags integration -timeout 20m ./integration/...
fi
