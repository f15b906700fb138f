#!/bin/sh
# The lab's Okta or SCIM stand-in (internal/testing/standin/cmd): makes its API token once in
# /lab/NAME/token, readable by the worker (uid 10001) only, and runs the stand-in with it.
#
#   standin.sh okta|scim STAND-IN FLAGS…
set -eu
name=$1
shift
dir=/lab/$name
mkdir -p "$dir"
if [ ! -s "$dir/token" ]; then
	(umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/token")
fi
chown -R 10001:10001 "$dir"
chmod 700 "$dir"
exec "/usr/local/bin/$name-standin" -token-file "$dir/token" "$@"
