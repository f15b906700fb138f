#!/usr/bin/env bash
# Installs the Debian packages named that are not installed yet, and only those: an installed
# package is never upgraded (--no-upgrade; no apt-get upgrade), so a demo or CI run leaves the
# machine's OpenSSL, libc and the rest as they were. apt's output goes to a log,
# ${ILM_APT_LOG:-/tmp/ilm-apt.log}; its tail is shown when the install fails. Needs root when
# something is missing.
#
#   scripts/apt-install.sh PACKAGE...
set -euo pipefail

log=${ILM_APT_LOG:-${TMPDIR:-/tmp}/ilm-apt.log}
missing=()
for pkg in "$@"; do
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" = installed ] || missing+=("$pkg")
done
[ ${#missing[@]} -gt 0 ] || exit 0
if [ "$(id -u)" != 0 ]; then
	echo "apt-install.sh: ${missing[*]} missing; installing needs root: apt-get install --no-upgrade ${missing[*]}" >&2
	exit 1
fi
mkdir -p "$(dirname "$log")"
echo "apt-install.sh: installing ${missing[*]} from Debian (log: $log)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -q && apt-get install -y -q --no-upgrade "${missing[@]}"; } >>"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "apt-install.sh: apt-get install ${missing[*]} failed (log: $log)" >&2
	exit 1
fi
