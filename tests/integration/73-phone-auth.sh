#!/bin/sh
# summary: digest at step 10 over TLS (an authenticated device's config asks for TLS to
# securedSipPort): a phone with the right line credentials answers the 401 and
# registers (and its unregister is accepted with the same nonce, next nc), with MD5 and, when the
# registrar offers it first, SHA-256 (RFC 7616); a phone handed a
# config with a wrong authPassword (a stale file server named by option 150) stops at step 10
# naming the rejected credentials (403, or a second 401), exit 1.
N=73
. "$(dirname "$0")/lib/phone.sh"
command -v python3 >/dev/null || skip "missing python3 (apt-get install -y python3)"
setup_cluster "$ADDR"
dt device add --mac 00:11:22:33:73:01 --model 7841 --security authenticated >/dev/null ||
	fail "device add"
dt line add --dn 7301 --device 001122337301 --password right-7301 >/dev/null || fail "line add"
start_serve main "$ADDR" tftp,http,dhcp,sip

boot --mac 001122337301 --model 7841 >"$D/good.log" 2>"$D/good.err" || fail "right password: exit $?"
# deviceSecurityMode 2 in its config: the phone talks TLS to securedSipPort.
grep -q "\[09 connect_cm\] ok.*connected over TLS to $ADDR:5061" "$D/good.log" ||
	fail "authenticated device did not connect over TLS to 5061"
grep -q "\[10 sip_register\] info.*401 digest challenge; answering" "$D/good.log" ||
	fail "registrar did not challenge"
grep -q "\[10 sip_register\] ok.*(digest answered)" "$D/good.log" || fail "digest not answered"
grep -q "REGISTER Expires: 0 | got: 200 OK" "$D/good.log" || fail "unregister not accepted"
grep -q "401 digest challenge; answering with MD5" "$D/good.log" || fail "not answered with MD5"

# A registrar that offers SHA-256 first (RFC 7616): the phone answers it, and is accepted.
kill "$SERVE_PID_main"
wait "$SERVE_PID_main" 2>/dev/null
printf '[sip]\ndigest_sha256 = 1\n' >"$D/dialtone.conf"
start_serve sha "$ADDR" tftp,http,dhcp,sip
boot --mac 001122337301 --model 7841 >"$D/sha.log" 2>"$D/sha.err" || fail "SHA-256: exit $?"
grep -q "401 digest challenge; answering with SHA-256" "$D/sha.log" || fail "not answered with SHA-256"
grep -q "\[10 sip_register\] ok.*(digest answered)" "$D/sha.log" || fail "SHA-256 answer refused"
grep -q "REGISTER Expires: 0 | got: 200 OK" "$D/sha.log" || fail "SHA-256 unregister not accepted"

# A stale file server on 127.0.73.2 hands out the config with another password.
mkdir -p "$D/stale"
dt files show SEP001122337301.cnf.xml >"$D/stale/orig.xml" 2>/dev/null || fail "files show"
sed 's|<authPassword>right-7301</authPassword>|<authPassword>wrong</authPassword>|' \
	"$D/stale/orig.xml" >"$D/stale/SEP001122337301.cnf.xml"
cmp -s "$D/stale/orig.xml" "$D/stale/SEP001122337301.cnf.xml" && fail "password not in the config"
python3 -m http.server 6970 --bind 127.0.73.2 --directory "$D/stale" >"$D/stale-http.err" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 1 50); do listening 127.0.73.2 tcp 6970 && break; sleep 0.1; done
dt dhcp subnet delete "127.1.$N.0/24" >/dev/null 2>&1 || fail "dhcp subnet delete"
dt dhcp subnet add "127.1.$N.0/24" --pool "127.1.$N.10-127.1.$N.250" --tftp 127.0.73.2 \
	>/dev/null || fail "dhcp subnet add (stale server)"
sleep 0.3
boot --mac 001122337301 --model 7841 >"$D/bad.log" 2>"$D/bad.err"
rc=$?
[ $rc -eq 1 ] || fail "wrong password: exit $rc, want 1"
grep -q "\[06 get_config\] ok.*http 127.0.73.2 200" "$D/bad.log" || fail "config not from the stale server"
grep -q "stopped at step 10 sip_register: 40[13] .*credentials of 7301 rejected" "$D/bad.err" ||
	fail "stderr: $(cat "$D/bad.err")"
echo "ok: digest answered; wrong password stops at step 10 naming the rejected credentials"
