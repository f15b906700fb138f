#!/usr/bin/env bash
# Runs a throw-away Samba Active Directory domain controller for the AD connector tests, on
# Debian's Samba: realm EXAMPLE.TEST, LDAP/LDAPS only, on loopback only.
#
#   scripts/samba-ad.sh install # install Samba from Debian unless it is there (start does it too)
#   scripts/samba-ad.sh start   # install (first time), provision (first time) and start
#   scripts/samba-ad.sh stop    # stop the DC this script started (by pid)
#   scripts/samba-ad.sh env     # print the export lines for ILM_TEST_AD_*
#   scripts/samba-ad.sh status
#   scripts/samba-ad.sh index   # index employeeID on this script's domain (start does it too)
#
# ILM_AD_DIR (default /tmp/ilm-samba) holds the domain, smb.conf, the log, the pid file and
# the generated Administrator password (0600). LDAPS uses a self-signed certificate made at
# provisioning, for 127.0.0.1 (ILM_TEST_AD_CA_FILE verifies it).
# The domain is disposable: never point ILM_AD_DIR at data you care about.
set -euo pipefail

dir=${ILM_AD_DIR:-/tmp/ilm-samba}
conf=$dir/etc/smb.conf
pwfile=$dir/admin-password
pidfile=$dir/samba-ad.pid
log=$dir/samba.log
url=ldaps://127.0.0.1:636
bind_dn=Administrator@EXAMPLE.TEST
base_dn=DC=example,DC=test
# Debian splits the DC over these; ldap-utils gives ldapsearch for the readiness check.
packages=(samba samba-ad-provision samba-dsdb-modules samba-vfs-modules winbind ldap-utils openssl)

die() { echo "samba-ad.sh: $*" >&2; exit 1; }

installed() {
	command -v samba >/dev/null && command -v samba-tool >/dev/null && command -v ldapsearch >/dev/null &&
		command -v openssl >/dev/null &&
		[ -d /usr/share/samba/setup/ad-schema ] && ls /usr/lib/*/samba/vfs/acl_xattr.so >/dev/null 2>&1 &&
		ls /usr/lib/*/samba/ldb/samba_dsdb.so >/dev/null 2>&1
}

# daemons prints the pids of Samba daemons, to spot any the package would start.
daemons() { ps -eo pid=,comm= | awk '$2 ~ /^(samba|smbd|nmbd|winbindd)$/ {print $1}' | sort; }

install_samba() {
	[ "$(id -u)" = 0 ] || die "Samba is not installed and installing needs root: apt-get install -y ${packages[*]}"
	echo "samba-ad.sh: installing Samba from Debian" >&2
	local before added_policy=
	before=$(daemons)
	# Keep Debian from starting smbd, nmbd, winbind or samba-ad-dc while installing.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		added_policy=1
	fi
	local ok=1
	# Only what is missing, upgrading nothing, apt's output in its log.
	"$(dirname "$0")/apt-install.sh" "${packages[@]}" || ok=
	if [ -n "$added_policy" ]; then
		rm -f /usr/sbin/policy-rc.d
	fi
	[ -n "$ok" ] || die "installing ${packages[*]} failed"
	local extra
	extra=$(comm -13 <(echo "$before") <(daemons) | tr '\n' ' ')
	[ -z "${extra// /}" ] || die "the samba package started daemons (pids $extra); stop them before going on"
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

provision() {
	[ -f "$dir/private/sam.ldb" ] && return
	rm -rf "$dir"
	mkdir -p "$dir"
	chmod 700 "$dir"
	(umask 077 && echo "Ilm-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')-9x" >"$pwfile")
	# Only the LDAP server runs, on loopback; no DNS, no SMB, no Kerberos KDC.
	samba-tool domain provision --realm=EXAMPLE.TEST --domain=EXAMPLE --server-role=dc \
		--dns-backend=NONE --use-rfc2307 --targetdir "$dir" --adminpass "$(cat "$pwfile")" \
		--option="interfaces = lo" --option="bind interfaces only = yes" \
		--option="server services = ldap" --option="netbios name = ILMDC" \
		--option="tls enabled = yes" --option="log file = $log" \
		--option="pid directory = $dir" >"$dir/provision.log" 2>&1 ||
		{ tail -n 20 "$dir/provision.log" >&2; die "provision failed, see $dir/provision.log"; }
	make_cert
	# Tests set passwords repeatedly: no minimum age, no history, no expiry. Complexity stays on
	# so that a policy violation can be tested.
	samba-tool domain passwordsettings set -s "$conf" --complexity=on --history-length=0 \
		--min-pwd-age=0 --max-pwd-age=0 >>"$dir/provision.log" 2>&1 ||
		die "passwordsettings failed, see $dir/provision.log"
}

# index_employee_id marks employeeID indexed, as an AD admin would for an attribute that
# lookups use: bit 1 (fATTINDEX) of the searchFlags of its attributeSchema
# (CN=Employee-ID,CN=Schema,CN=Configuration,…). A stock schema leaves it unindexed, so every
# search by employeeID reads every object of the domain, deleted ones included. Samba refuses
# schema changes unless `dsdb:schema update allowed` is set, so the change goes through the
# domain's database file with that option for this one command; a running DC reloads the
# schema and Samba rebuilds its indexes. Idempotent; only adds an index, so safe on a running DC.
index_employee_id() {
	local db=$dir/private/sam.ldb flags
	[ -f "$db" ] || die "no domain in $dir yet: run $0 start"
	flags=$(samba-tool schema attribute show employeeID -H "$db" -s "$conf" 2>>"$dir/provision.log" |
		awk '$1 == "searchFlags:" {print $2}')
	[ -n "$flags" ] || die "could not read the searchFlags of employeeID, see $dir/provision.log"
	(( flags & 1 )) && return
	# --searchflags replaces the value; a stock schema's is 0.
	[ "$flags" = 0 ] || die "employeeID has searchFlags $flags: add bit 1 (fATTINDEX) by hand"
	# modify takes the attribute's CN, show its lDAPDisplayName.
	samba-tool schema attribute modify Employee-ID --searchflags=fATTINDEX -H "$db" -s "$conf" \
		--option="dsdb:schema update allowed = true" >>"$dir/provision.log" 2>&1 ||
		die "indexing employeeID failed, see $dir/provision.log"
	echo "samba-ad.sh: employeeID indexed (searchFlags 1, fATTINDEX)" >&2
}

# make_cert writes the DC's self-signed certificate where Samba looks for it
# (private/tls), for 127.0.0.1 and localhost. Samba's own generated certificate can carry a
# negative serial number, which Go's crypto/x509 refuses, about one start in two.
make_cert() {
	local tls=$dir/private/tls
	mkdir -p "$tls"
	(umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=ILMDC.example.test" \
		-addext "subjectAltName=DNS:ILMDC.example.test,DNS:localhost,IP:127.0.0.1" \
		-keyout "$tls/key.pem" -out "$tls/cert.pem" >>"$dir/provision.log" 2>&1) ||
		die "openssl could not make the TLS certificate, see $dir/provision.log"
	chmod 644 "$tls/cert.pem"
	cp "$tls/cert.pem" "$tls/ca.pem"
}

ldaps_bind() {
	LDAPTLS_REQCERT=never ldapsearch -x -o nettimeout=2 -H "$url" -D "$bind_dn" -y <(tr -d '\n' <"$pwfile") \
		-b "" -s base defaultNamingContext >/dev/null 2>&1
}

start() {
	installed || install_samba
	if running; then
		index_employee_id
		echo "samba-ad.sh: already running (pid $(cat "$pidfile"))"
		return
	fi
	local t0 i
	t0=$(date +%s%N)
	provision
	# At provisioning, and on a domain provisioned before this script indexed employeeID.
	index_employee_id
	# -i keeps samba in the foreground of its own session; the pid is samba's root process.
	setsid samba -s "$conf" -i --debug-stdout >"$dir/samba.out" 2>&1 </dev/null &
	echo $! >"$pidfile"
	for i in $(seq 1 240); do
		ldaps_bind && break
		running || { tail -n 20 "$dir/samba.out" >&2; rm -f "$pidfile"; die "samba exited, see $dir/samba.out"; }
		[ "$i" = 240 ] && die "LDAPS on $url did not accept a bind within 60s, see $dir/samba.out"
		sleep 0.25
	done
	echo "samba-ad.sh: running on $url (pid $(cat "$pidfile")), started in $((($(date +%s%N) - t0) / 1000000)) ms, domain in $dir"
}

stop() {
	if ! running; then
		rm -f "$pidfile"
		echo "samba-ad.sh: not running"
		return
	fi
	local pid i
	pid=$(cat "$pidfile")
	kill "$pid"
	# samba runs in its own process group (setsid): wait until its workers are gone too.
	for i in $(seq 1 40); do
		kill -0 -- "-$pid" 2>/dev/null || break
		sleep 0.25
	done
	kill -0 -- "-$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null || true
	rm -f "$pidfile"
	echo "samba-ad.sh: stopped (pid $pid)"
}

case "${1:-}" in
install) installed || install_samba ;;
start) start ;;
stop) stop ;;
index) index_employee_id ;;
env)
	[ -f "$pwfile" ] || die "no domain in $dir yet: run $0 start"
	echo "export ILM_TEST_AD_URL=$url"
	echo "export ILM_TEST_AD_BIND_DN=$bind_dn"
	echo "export ILM_TEST_AD_BIND_PASSWORD='$(cat "$pwfile")'"
	echo "export ILM_TEST_AD_BASE_DN=$base_dn"
	echo "export ILM_TEST_AD_CA_FILE=$dir/private/tls/ca.pem"
	;;
status)
	if running; then
		echo "running (pid $(cat "$pidfile")) on $url"
	else
		echo "not running"
		exit 3
	fi
	;;
*) die "usage: $0 install|start|stop|env|status|index" ;;
esac
