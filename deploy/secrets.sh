#!/usr/bin/env bash
# Makes the compose stack's secrets in deploy/secrets/ (a directory only its owner may enter),
# once: a file that exists is kept. Random passwords for PostgreSQL's roles postgres, temporal
# and ilm, ILM's passfile for its store, and ILM's payload key (temporal.codec.keys_file).
#
#   deploy/secrets.sh            then: docker compose up -d
#
# Compose mounts each file as it is on the host. The containers run as other users than the
# files' owner: postgres (uid 999), temporal (1000), ilm (10001). Run as root, this script
# gives ILM's files to uid 10001 (mode 0400) so that only ILM reads them; otherwise they stay
# readable by any user of the containers that mount them (mode 0444), and ILM warns about it.
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)/secrets
mkdir -p "$dir"
chmod 700 "$dir"

password() { head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9'; }

# put NAME OWNER-UID: writes the secret NAME from stdin unless it exists.
put() {
	local f=$dir/$1
	if [ -s "$f" ]; then
		cat >/dev/null
		echo "secrets.sh: $1 exists, kept"
		return
	fi
	(umask 077 && cat >"$f")
	if [ "$(id -u)" = 0 ] && [ "$2" != any ]; then
		chown "$2:$2" "$f"
		chmod 400 "$f"
	else
		chmod 444 "$f"
	fi
	echo "secrets.sh: made $1"
}

password | put postgres_password any
password | put temporal_db_password any
password | put ilm_db_password any
# PostgreSQL's passfile format: host:port:database:user:password.
printf 'postgres:5432:ilm:ilm:%s\n' "$(cat "$dir/ilm_db_password")" | put ilm_pgpass 10001
printf '%s %s\n' "$(date +%Y-%m)" "$(head -c 32 /dev/urandom | base64)" | put codec_keys 10001
