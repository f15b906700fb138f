#!/usr/bin/env bash
# `make demo`: ILM end to end on embedded defaults. Starts the Temporal dev server (SQLite file,
# Web UI on :8233), a Samba AD domain controller (LDAPS on 127.0.0.1:636), mailpit (SMTP
# :1025, UI :8025), the Okta stand-in (http://127.0.0.1:8017) and a GitHub-dialect SCIM stand-in
# (http://127.0.0.1:8018), the worker on a SQLite
# store, applies the poll schedules and the app map, and runs one poll of the bundled sample
# report now: its new hires get disabled AD accounts and active Okta users. Everything keeps
# running for you to look at; `scripts/demo.sh stop` stops it (by pid). Each run starts afresh:
# it stops the last demo and deletes its store, Temporal history, AD domain and mail.
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO=$PWD/.demo
# Its store is .demo/ilm.db (store: in the file), so every command needs only --config.
CONFIG=ilm.example.yaml
export ILM_TEMPORAL_DIR=$DEMO/temporal ILM_TEMPORAL_PORT=7233 ILM_TEMPORAL_UI_PORT=8233
# ilm.example.yaml reads the DC's CA and password from .demo/samba.
export ILM_AD_DIR=$DEMO/samba ILM_MAILPIT_DIR=$DEMO/mailpit ILM_MAILPIT_SMTP_PORT=1025 ILM_MAILPIT_UI_PORT=8025
# … and the stand-ins' tokens from .demo/standin/{okta,scim}.
export ILM_STANDIN_DIR=$DEMO/standin ILM_OKTA_PORT=8017 ILM_SCIM_PORT=8018
# Samba is installed from Debian the first time: quietly, apt's output in this log.
export ILM_APT_LOG=$DEMO/apt.log
OKTA_DIR=$ILM_STANDIN_DIR/okta
# The codec's keys (temporal.codec.keys_file in the config) and the codec server the Web UI
# calls to show the encrypted payloads.
CODEC_KEYS=$DEMO/codec-keys CODEC_PORT=8234
export ILM_TEMPORAL_EXTRA_FLAGS="--ui-codec-endpoint http://127.0.0.1:$CODEC_PORT"

stop() {
	if [ -f "$DEMO/worker.pid" ] && kill -0 "$(cat "$DEMO/worker.pid")" 2>/dev/null; then
		local pid
		pid=$(cat "$DEMO/worker.pid")
		kill "$pid"
		# Gone before reset deletes the store it has open.
		for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
	fi
	rm -f "$DEMO/worker.pid"
	if [ -f "$DEMO/codec-server.pid" ] && kill -0 "$(cat "$DEMO/codec-server.pid")" 2>/dev/null; then
		kill "$(cat "$DEMO/codec-server.pid")"
	fi
	rm -f "$DEMO/codec-server.pid"
	scripts/temporal.sh stop
	scripts/standin.sh okta stop || true
	scripts/standin.sh scim stop || true
	scripts/mailpit.sh stop || true
	scripts/samba-ad.sh stop || true
}

# reset stops a demo left running and deletes what it held, so that each run starts from
# nobody everywhere at once. The Okta and SCIM stand-ins hold their users in memory only: a
# run over the last one's store, Temporal history and AD domain would start with profiles,
# incidents and accounts of people Okta does not have, and App Sync could not be shown. The
# stand-ins' tokens and the apt log stay.
reset() {
	stop
	rm -rf "$DEMO/ilm.db" "$DEMO/ilm.db-wal" "$DEMO/ilm.db-shm" "$DEMO/temporal" "$DEMO/samba" \
		"$DEMO/mailpit" "$DEMO/app-map.json" "$DEMO/worker.log" "$DEMO/ous.log" "$DEMO/codec-server.log"
}

if [ "${1:-}" = stop ]; then stop; echo "demo stopped"; exit 0; fi

reset
mkdir -p "$DEMO"
[ -x bin/ilm ] && [ -x bin/ilm-worker ] || make build
# One key, made once and kept (reset leaves it); rotate by putting a new line first.
if [ ! -s "$CODEC_KEYS" ]; then
	(umask 077 && printf 'demo-%s %s\n' "$(date +%Y%m%d)" "$(head -c 32 /dev/urandom | base64)" >"$CODEC_KEYS")
fi
bin/ilm codec-server --config "$CONFIG" --listen "127.0.0.1:$CODEC_PORT" \
	--origin "http://localhost:$ILM_TEMPORAL_UI_PORT,http://127.0.0.1:$ILM_TEMPORAL_UI_PORT" >"$DEMO/codec-server.log" 2>&1 &
echo $! >"$DEMO/codec-server.pid"
scripts/temporal.sh start "$DEMO/temporal/temporal.db"
scripts/mailpit.sh start
scripts/standin.sh okta start
scripts/standin.sh scim start
scripts/samba-ad.sh start
# The OUs the stock AD mapper files the sample's people under; -c: those already there stay.
LDAPTLS_CACERT=$ILM_AD_DIR/private/tls/ca.pem ldapadd -c -x -H ldaps://127.0.0.1:636 \
	-D Administrator@EXAMPLE.TEST -y <(tr -d '\n' <"$ILM_AD_DIR/admin-password") \
	-f examples/demo-ous.ldif >/dev/null 2>"$DEMO/ous.log" || grep -v "Already exists" "$DEMO/ous.log" >&2 || true

if ! { [ -f "$DEMO/worker.pid" ] && kill -0 "$(cat "$DEMO/worker.pid")" 2>/dev/null; }; then
	bin/ilm-worker --config "$CONFIG" >"$DEMO/worker.log" 2>&1 &
	echo $! >"$DEMO/worker.pid"
fi

bin/ilm schedules apply --config "$CONFIG"
# App Sync: Okta's GitHub app is provisioned by the instance "github", the SCIM stand-in in
# GitHub's dialect: an assignment in Okta creates the person there, an unassignment deactivates.
github=$(sed -n 's/.*"id": "\(0oa[^"]*\)".*/\1/p' "$OKTA_DIR/apps.json" | head -n 1)
printf '[{"application_id": "%s", "name": "github", "label": "GitHub", "instance": "github"}]\n' "$github" >"$DEMO/app-map.json"
bin/ilm okta set-configuration --config "$CONFIG" --instance okta --file "$DEMO/app-map.json"
bin/ilm poll --config "$CONFIG" --instance workday

cat <<MSG

ILM demo is running.
  Web UI:        http://localhost:8233/namespaces/default/workflows
  one person:    http://localhost:8233/namespaces/default/workflows?query=EmployeeID%3D%221001%22
  by type:       query  IncidentType="IAM - New Hire"
  by email:      bin/ilm incidents --config $CONFIG --email <an email from the report>   (--print-query: the Web UI's query)
  profiles:      bin/ilm profiles list --config $CONFIG
  history:       bin/ilm profiles history 1001 --config $CONFIG
  dry run:       bin/ilm plan --config $CONFIG --instance workday --report examples/workday-report-day2.json
  next day:      bin/ilm poll --config $CONFIG --instance workday --report examples/workday-report-day2.json
  AD accounts:   LDAPTLS_CACERT=$ILM_AD_DIR/private/tls/ca.pem ldapsearch -x -H ldaps://127.0.0.1:636 -D Administrator@EXAMPLE.TEST -y <(tr -d '\\n' <$ILM_AD_DIR/admin-password) -b OU=People,DC=example,DC=test '(objectClass=user)' cn userAccountControl
  mail:          http://localhost:8025  (temporary passwords to the service desk, failures to IT)
  Okta users:    curl -s -H "Authorization: SSWS \$(cat $OKTA_DIR/token)" http://127.0.0.1:8017/api/v1/users
  App Sync:      assign someone to GitHub in Okta, then poll the System Log (or wait a minute for poll-okta):
                 curl -s -H "Authorization: SSWS \$(cat $OKTA_DIR/token)" -H 'Content-Type: application/json' -d '{"id": "<an Okta user id>", "scope": "USER"}' http://127.0.0.1:8017/api/v1/apps/$github/users
                 bin/ilm poll --config $CONFIG --instance okta
                 The App Add creates the person in the GitHub SCIM stand-in (the app map sends GitHub there):
                 curl -s -H "Authorization: Bearer \$(cat $ILM_STANDIN_DIR/scim/token)" http://127.0.0.1:8018/scim/v2/enterprises/acme/Users
  worker log:    $DEMO/worker.log  (JSON lines; one person: jq -c 'select(.employee_id=="1001")' $DEMO/worker.log)
  metrics:       curl -s http://127.0.0.1:9464/metrics | grep '^ilm_'   health: curl -s http://127.0.0.1:9464/healthz
  encryption:    payloads are stored encrypted (key: $CODEC_KEYS); the Web UI decodes them through
                 bin/ilm codec-server on http://127.0.0.1:$CODEC_PORT (log: $DEMO/codec-server.log).
                 raw: $(scripts/temporal.sh path) workflow show -w person/1001; decoded: add --codec-endpoint http://127.0.0.1:$CODEC_PORT
  stop:          scripts/demo.sh stop
The schedule poll-workday polls every 15 minutes; the next poll activates AD for the new hires
whose hire date is within 3 days (days_before_hire_to_enable_ad): each gets a temporary
password, mailed to the service desk, to change at first logon (userAccountControl 514 → 512).
MSG
