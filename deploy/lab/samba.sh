#!/usr/bin/env bash
# The lab's domain controller: provisions EXAMPLE.TEST (first start) and starts Samba with
# scripts/samba-ad.sh, as `make demo` does, adds the demo's OUs, hands the worker (uid 10001)
# the DC's CA and the Administrator password in /lab/ad, and lives as long as Samba does.
set -euo pipefail
/opt/ilm/samba-ad.sh start
LDAPTLS_CACERT=$ILM_AD_DIR/private/tls/ca.pem ldapadd -c -x -H ldaps://127.0.0.1:636 \
	-D Administrator@EXAMPLE.TEST -y <(tr -d '\n' <"$ILM_AD_DIR/admin-password") \
	-f /opt/ilm/demo-ous.ldif >/dev/null 2>/tmp/ous.log || grep -v "Already exists" /tmp/ous.log >&2 || true
install -d -o 10001 -g 10001 -m 700 /lab/ad
install -o 10001 -g 10001 -m 600 "$ILM_AD_DIR/private/tls/ca.pem" /lab/ad/ca.pem
install -o 10001 -g 10001 -m 600 "$ILM_AD_DIR/admin-password" /lab/ad/admin-password
trap '/opt/ilm/samba-ad.sh stop; exit 0' TERM INT
pid=$(cat "$ILM_AD_DIR/samba-ad.pid")
while kill -0 "$pid" 2>/dev/null; do
	sleep 5 &
	wait $!
done
echo "samba.sh: samba (pid $pid) exited" >&2
exit 1
