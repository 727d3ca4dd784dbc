# shellcheck shell=bash
#
# libvirtd reachable over real remote transports, for the system tests
# (tests/sys/lib.sh and tests/sys/faces.sh first, then this):
#
#   remote_listen        restart libvirtd with --listen on loopback: TCP
#                        without authentication and TLS with certificates
#                        made here; sets REMOTE_TCP_URI and REMOTE_TLS_URI
#
# Every later restart (sys_libvirtd_restart) keeps listening; at exit the
# plain libvirtd of the other system tests comes back.  Under systemd,
# libvirtd is socket-activated and refuses --listen: skipped there.

REMOTE_TCP_URI=
REMOTE_TLS_URI=

# remote__certs DIR: a CA, a server certificate for 127.0.0.1 and a client
# certificate, in the file names libvirt's pkipath=DIR looks for
# (cacert.pem, clientcert.pem, clientkey.pem) and the server's.
remote__certs() {
	local d=$1 what
	mkdir -p "$d" || sys_fail "mkdir $d"
	printf 'cn = virtmon test CA\nca\ncert_signing_key\nexpiration_days = 2\n' >"$d/ca.info"
	printf 'organization = virtmon test\ncn = 127.0.0.1\nip_address = 127.0.0.1\ndns_name = localhost\ntls_www_server\nencryption_key\nsigning_key\nexpiration_days = 2\n' >"$d/server.info"
	printf 'organization = virtmon test\ncn = virtmon test client\ntls_www_client\nencryption_key\nsigning_key\nexpiration_days = 2\n' >"$d/client.info"
	for what in ca server client; do
		certtool --generate-privkey --key-type=rsa --bits=2048 --outfile "$d/$what-key.pem" 2>/dev/null ||
			sys_fail "certtool --generate-privkey ($what) failed"
	done
	certtool --generate-self-signed --load-privkey "$d/ca-key.pem" --template "$d/ca.info" \
		--outfile "$d/cacert.pem" 2>/dev/null || sys_fail "certtool: the test CA failed"
	for what in server client; do
		certtool --generate-certificate --load-privkey "$d/$what-key.pem" \
			--load-ca-certificate "$d/cacert.pem" --load-ca-privkey "$d/ca-key.pem" \
			--template "$d/$what.info" --outfile "$d/${what}cert.pem" 2>/dev/null ||
			sys_fail "certtool: the $what certificate failed"
	done
	mv "$d/client-key.pem" "$d/clientkey.pem" || sys_fail "mv clientkey.pem"
}

remote_listen() {
	local conf=$SYS_WORKDIR/libvirtd.conf pki=$SYS_WORKDIR/pki tcp tls
	[ "$SYS_SYSTEMD" = 0 ] || sys_skip "libvirtd is socket-activated by systemd here: no --listen"
	command -v certtool >/dev/null 2>&1 || sys_skip "certtool not found (Debian: gnutls-bin)"
	remote__certs "$pki"
	tcp=$(faces__free_port)
	tls=$(faces__free_port)
	[ "$tcp" != "$tls" ] || tls=$(faces__free_port)
	# The host's own settings, less the ones this test decides.
	sed -E '/^[[:space:]]*(listen_tcp|listen_tls|tcp_port|tls_port|listen_addr|auth_tcp|auth_tls|key_file|cert_file|ca_file|crl_file)[[:space:]]*=/d' \
		/etc/libvirt/libvirtd.conf >"$conf" 2>/dev/null || : >"$conf"
	cat >>"$conf" <<EOF
listen_tcp = 1
listen_tls = 1
tcp_port = "$tcp"
tls_port = "$tls"
listen_addr = "127.0.0.1"
auth_tcp = "none"
auth_tls = "none"
key_file = "$pki/server-key.pem"
cert_file = "$pki/servercert.pem"
ca_file = "$pki/cacert.pem"
EOF
	SYS_LIBVIRTD_ARGS=(--listen -f "$conf")
	# In a subshell: a failed restart must not skip the removal of guests.
	sys_on_exit "SYS_LIBVIRTD_ARGS=(); (sys_libvirtd_restart)"
	sys_libvirtd_restart
	REMOTE_TCP_URI=qemu+tcp://127.0.0.1:$tcp/system
	REMOTE_TLS_URI="qemu+tls://127.0.0.1:$tls/system?pkipath=$pki"
	sys_log "libvirtd listens on $REMOTE_TCP_URI and $REMOTE_TLS_URI"
}
