#!/usr/bin/env bash
# `make bench`: the planning benchmark (no server), then App Sync's and the AD pipeline's on a
# Temporal dev server in memory, started here unless ILM_BENCH_TEMPORAL_ADDRESS names one. The
# AD stage also needs a Samba AD DC and an SMTP server: started here (scripts/samba-ad.sh,
# scripts/mailpit.sh) unless ILM_TEST_AD_URL and ILM_TEST_SMTP_ADDR name them. What this
# script starts it stops on exit, by pid.
#
#   ILM_BENCH_PLAN_PEOPLE (default 100000) sizes the planning stage: a comma-separated list
#   (100000,1000000) measures each size and how the time per person grows (the million takes
#   minutes and a few GB while its store is seeded);
#   ILM_BENCH_AD_PEOPLE (default 1000) and ILM_BENCH_AD_ROUNDS (default 3) size the AD stage;
#   ILM_BENCH_PROFILE=PREFIX keeps its CPU and blocking profiles (PREFIX-newhire.pprof, …),
#   and App Sync's worker CPU profile (PREFIX-applog.pprof);
#   ILM_BENCH_PIDS=name=PID,… adds processes (servers this script did not start) whose CPU
#   time each AD stage reports, as it does for those it starts.
set -euo pipefail
cd "$(dirname "$0")/.."

go run ./bench/plan -people "${ILM_BENCH_PLAN_PEOPLE:-100000}" "$@"

started=()
pids=(${ILM_BENCH_PIDS:+"$ILM_BENCH_PIDS"})
cleanup() {
	for s in "${started[@]}"; do "scripts/$s.sh" stop || true; done
	case "${ILM_AD_DIR:-}" in /tmp/ilm-samba-bench.*) rm -rf "$ILM_AD_DIR" ;; esac
}
trap cleanup EXIT
if [ -z "${ILM_BENCH_TEMPORAL_ADDRESS:-}" ]; then
	export ILM_TEMPORAL_DIR=${ILM_TEMPORAL_DIR:-/tmp/ilm-temporal-bench} ILM_TEMPORAL_PORT=${ILM_TEMPORAL_PORT:-7255} ILM_TEMPORAL_UI_PORT=${ILM_TEMPORAL_UI_PORT:-8255}
	# In memory: the server's disk writes would be measured, not ILM.
	scripts/temporal.sh start memory
	started+=(temporal)
	pids+=("temporal=$(cat "$ILM_TEMPORAL_DIR/temporal.pid")")
	export ILM_BENCH_TEMPORAL_ADDRESS=127.0.0.1:$ILM_TEMPORAL_PORT
fi
go run ./bench/applog ${ILM_BENCH_PROFILE:+-cpuprofile "$ILM_BENCH_PROFILE-applog.pprof"}

if [ -z "${ILM_TEST_AD_URL:-}" ]; then
	# A DC this script did not start (make demo's, say) is used, and left running. Otherwise
	# the run gets a domain provisioned for it, deleted at the end: a DC's database keeps a
	# tombstone of every account deleted for 180 days, and after some thousand runs' accounts
	# (837 MB) an add cost Samba six to nine times the CPU it costs on a new domain, which the
	# figures would measure instead of ILM.
	if scripts/samba-ad.sh status >/dev/null; then
		echo "bench: using the DC already running (${ILM_AD_DIR:-/tmp/ilm-samba}); one that has seen many runs is slower: stop it for a new one" >&2
	else
		export ILM_AD_DIR=$(mktemp -d /tmp/ilm-samba-bench.XXXXXX)
		scripts/samba-ad.sh start
		started+=(samba-ad)
	fi
	eval "$(scripts/samba-ad.sh env)"
	pids+=("samba=$(cat "${ILM_AD_DIR:-/tmp/ilm-samba}/samba-ad.pid")")
fi
if [ -z "${ILM_TEST_SMTP_ADDR:-}" ]; then
	export ILM_MAILPIT_DIR=${ILM_MAILPIT_DIR:-/tmp/ilm-mailpit-bench} ILM_MAILPIT_SMTP_PORT=${ILM_MAILPIT_SMTP_PORT:-1155} ILM_MAILPIT_UI_PORT=${ILM_MAILPIT_UI_PORT:-8155}
	scripts/mailpit.sh start
	started+=(mailpit)
	eval "$(scripts/mailpit.sh env)"
	pids+=("smtp=$(cat "$ILM_MAILPIT_DIR/mailpit.pid")")
fi
bin=$(mktemp -d)
trap 'rm -rf "$bin"; cleanup' EXIT
go build -o "$bin/ilm" ./starter
go build -o "$bin/bench-ad" ./bench/ad
profile=()
[ -z "${ILM_BENCH_PROFILE:-}" ] || profile=(-cpuprofile "$ILM_BENCH_PROFILE")
"$bin/bench-ad" -people "${ILM_BENCH_AD_PEOPLE:-1000}" -rounds "${ILM_BENCH_AD_ROUNDS:-3}" -ilm "$bin/ilm" \
	-pids "$(IFS=,; echo "${pids[*]}")" "${profile[@]}"
