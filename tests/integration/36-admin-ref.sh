#!/bin/sh
# summary: the administrator's reference-data commands against a running `dialtone serve`:
# `load add --default` changes the <loadInformation> served over HTTP 6970 within 100 ms (phones
# with their own load keep it, XMLDefault follows), `load delete` falls back to the catalogue's
# load, `ringtone add|delete` shows in Ringlist.xml / Ringlist-wb.xml, `sipprofile set` changes
# the timers and transport in the phone's file; exit codes and one-line errors naming the field.
# Needs: curl, xmllint (libxml2-utils), python3.
ADDR=127.0.36.1
. "$(dirname "$0")/lib/files.sh"
need curl curl
need xmllint libxml2-utils
need python3 python3
S=SEP001122334455 # 8851, no load of its own
O=SEP001122334466 # 8851 with its own load
P=SEP001122334477 # 7841
NEW=sip88xx.15-0-1-0001-7
DT() { "$DIALTONE" --data "$D" "$@"; }

DT device add --mac 001122334455 --model 8851 >/dev/null 2>"$D/err" ||
	fail "cannot provision a phone: $(head -n 1 "$D/err")"
DT device add --mac 001122334466 --model 8851 --load sip88xx.own-1 >/dev/null || fail "add $O"
DT device add --mac 001122334477 --model 7841 >/dev/null || fail "add $P"
DT line add --dn 3601 --device $P >/dev/null || fail "line add"
start_serve --only tftp,http,sip --sip-port 5060 --sips-port 5061
U="http://$ADDR:6970"
x() { curl -sf "$U/$1" | xmllint --xpath "string($2)" -; }
# served FILE XPATH VALUE: wait up to 1 s for a change made by the CLI to be served (serve reads
# the change log every 20 ms).
served() {
	for _ in $(seq 1 100); do
		[ "$(x "$1" "$2")" = "$3" ] && return 0
		sleep 0.01
	done
	return 1
}
[ "$(x $S.cnf.xml /device/loadInformation)" = sip88xx.14-2-1-0001-14 ] || fail "catalogue load"
v7841=$(DT files list | awk -v n=$P.cnf.xml '$1 == n { print $3 }')

# --help and usage errors: exit 0 / 2, one line on stderr naming the field.
for c in "load add" "load list" "load delete" "load default" "ringtone add" "ringtone list" \
	"ringtone delete" "sipprofile add" "sipprofile set" "sipprofile list"; do
	# shellcheck disable=SC2086
	DT $c --help | grep -q "^usage: dialtone $c" || fail "$c --help"
done
usage() { # expected-exit field args...
	want=$1 field=$2
	shift 2
	DT "$@" >/dev/null 2>"$D/err"
	rc=$?
	[ $rc -eq "$want" ] || fail "'$*': exit $rc, want $want ($(cat "$D/err"))"
	[ "$(wc -l <"$D/err")" -eq 1 ] && grep -q "^dialtone: $field: " "$D/err" ||
		fail "'$*': error does not name $field: $(cat "$D/err")"
}
usage 2 model load add --load $NEW
usage 2 load load add --model 8851
usage 2 --bogus load add --model 8851 --load $NEW --bogus
usage 1 model load add --model 9999 --load $NEW
usage 1 load load add --model 8851 --load sip78xx.14-2-1-0001-14
usage 1 load load add --model 8851 --load 'bad load'
usage 2 file ringtone add --display Chirp
usage 2 display ringtone add --file Chirp.raw
usage 1 file ringtone add --file Chirp.wav --display Chirp
usage 1 file ringtone delete Nothing.raw
usage 2 transport sipprofile set "Standard SIP Profile" --transport sctp
usage 2 register-expires sipprofile set "Standard SIP Profile" --register-expires 5
usage 2 digest-auth sipprofile set "Standard SIP Profile" --digest-auth maybe
usage 1 sip_profile sipprofile set Nope --transport udp

# load add --default: the served file changes within 100 ms of the command's exit. Timed inside
# one python process (no curl start-up per poll): the clock starts when the CLI has returned.
python3 - "$DIALTONE" "$D" "$U/$S.cnf.xml" "$NEW" <<'PY' || fail "default load not served in time"
import subprocess, sys, time, urllib.request
dt, d, url, new = sys.argv[1:]
r = subprocess.run([dt, "--data", d, "load", "add", "--model", "8851,CP-8841", "--load",
                    new + ".loads", "--file", new + ".zz", "--file", "rootfs88.img", "--default"],
                   capture_output=True, text=True)
if r.returncode != 0:
    print("load add failed:", r.stderr); sys.exit(1)
t0 = time.monotonic()
while time.monotonic() - t0 < 2:
    body = urllib.request.urlopen(url, timeout=1).read().decode()
    if "<loadInformation>%s</loadInformation>" % new in body:
        ms = (time.monotonic() - t0) * 1000
        print("new default load served after %.1f ms" % ms)
        sys.exit(0 if ms <= 100 else 1)
    time.sleep(0.002)
print("not served within 2 s"); sys.exit(1)
PY
[ "$(x $O.cnf.xml /device/loadInformation)" = sip88xx.own-1 ] || fail "override lost"
[ "$(x XMLDefault.cnf.xml '/Default/loadInformation684')" = $NEW ] || fail "XMLDefault 8851"
[ "$(x XMLDefault.cnf.xml '/Default/loadInformation683')" = $NEW ] || fail "XMLDefault 8841"
[ "$(x XMLDefault.cnf.xml '/Default/loadInformation622')" = sip78xx.14-2-1-0001-14 ] ||
	fail "XMLDefault 7841 changed"
[ "$(DT files list | awk -v n=$P.cnf.xml '$1 == n { print $3 }')" = "$v7841" ] ||
	fail "the 7841's file was rewritten"
DT load list >"$D/list" || fail "load list"
grep -q "^8851 *$NEW *yes *rootfs88.img,$NEW.zz\$" "$D/list" || fail "load list: $(cat "$D/list")"
grep -q "^8841 *$NEW *yes" "$D/list" || fail "load list 8841: $(cat "$D/list")"
DT load list --json --model "Cisco 8851" | python3 -c '
import json, sys
j = json.load(sys.stdin)
assert j == [{"model": "8851", "load": "'$NEW'", "default": True,
              "files": ["rootfs88.img", "'$NEW'.zz"]}], j' || fail "load list --json"
DT model list | grep -q "^8851 .* $NEW\$" || fail "model list default"
usage 1 load load add --model 8851 --load $NEW

# A second load, not default; a load a phone names cannot be deleted.
DT load add --model 8851 --load sip88xx.own-1 >/dev/null || fail "load add own-1"
usage 1 load load delete sip88xx.own-1
DT load default --model 8851 sip88xx.own-1 >/dev/null || fail "load default"
served $S.cnf.xml /device/loadInformation sip88xx.own-1 || fail "load default not served"
DT load default --model 8851 --reset >/dev/null || fail "load default --reset"
served $S.cnf.xml /device/loadInformation sip88xx.14-2-1-0001-14 || fail "--reset"
DT load default --model 8851 $NEW >/dev/null || fail "load default back"

# load delete: the model goes back to the catalogue's load (8851 only; 8841 keeps it).
DT load delete $NEW --model 8851 >/dev/null || fail "load delete"
served $S.cnf.xml /device/loadInformation sip88xx.14-2-1-0001-14 ||
	fail "catalogue load not back after delete"
[ "$(x XMLDefault.cnf.xml '/Default/loadInformation683')" = $NEW ] || fail "8841 lost its load"
usage 1 load load delete $NEW --model 8851

# Ringtones: both lists over HTTP, in position order, escaped, .rwb in the wideband list.
DT ringtone add --file Chirp1.raw --display 'Chirp <1> & co' >/dev/null || fail "ringtone add"
DT ringtone add --file Analog1.raw --display Analog --position 1 2>"$D/err" >/dev/null &&
	fail "taken position accepted"
DT ringtone add --file Analog1.raw --display Analog >/dev/null || fail "ringtone add 2"
usage 1 file ringtone add --file Chirp1.raw --display Again
served Ringlist.xml 'count(/CiscoIPPhoneRingList/Ring)' 2 || fail "Ringlist.xml count"
[ "$(x Ringlist.xml '/CiscoIPPhoneRingList/Ring[1]/DisplayName')" = 'Chirp <1> & co' ] ||
	fail "Ringlist.xml display"
[ "$(x Ringlist.xml '/CiscoIPPhoneRingList/Ring[2]/FileName')" = Analog1.raw ] ||
	fail "Ringlist.xml order"
[ "$(x Ringlist-wb.xml '/CiscoIPPhoneRingList/Ring[1]/FileName')" = Chirp1.rwb ] ||
	fail "Ringlist-wb.xml .rwb"
DT ringtone list | grep -q '^2 *Analog1.raw *Analog$' || fail "ringtone list"
DT ringtone delete Chirp1.raw >/dev/null || fail "ringtone delete"
served Ringlist.xml 'count(/CiscoIPPhoneRingList/Ring)' 1 || fail "delete not served"

# SIP profiles: set changes only what is given; the phone's file follows.
DT sipprofile set "Standard SIP Profile" --transport udp --register-expires 600 >/dev/null ||
	fail "sipprofile set"
served $S.cnf.xml /device/transportLayerProtocol 2 || fail "transport not served"
[ "$(x $S.cnf.xml '//timerRegisterExpires')" = 600 ] || fail "register expires not served"
DT sipprofile set "Standard SIP Profile" --keepalive-expires 30 >/dev/null || fail "set 2"
DT sipprofile list --json | python3 -c '
import json, sys
p = {x["name"]: x for x in json.load(sys.stdin)}["Standard SIP Profile"]
assert (p["transport"], p["register_expires"], p["keepalive_expires"], p["digest_auth"]) == \
    ("udp", 600, 30, False), p' || fail "sipprofile list --json"
# digest-auth reaches the running registrar: REGISTERs of a phone on the profile get 401.
cat >"$D/reg.py" <<'PY'
import random, socket, sys
addr, cseq = sys.argv[1], int(sys.argv[2])
# One phone: the same contact and Call-ID every time (a new CSeq), so it stays one binding.
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, 5362)); s.settimeout(2)
port = 5362
tag = "%08x" % random.getrandbits(32)
msg = ("REGISTER sip:%(a)s SIP/2.0\r\nVia: SIP/2.0/UDP %(a)s:%(p)d;branch=z9hG4bK%(t)s\r\n"
       "Max-Forwards: 70\r\nFrom: <sip:3601@%(a)s>;tag=%(t)s\r\nTo: <sip:3601@%(a)s>\r\n"
       "Call-ID: 36admin@%(a)s\r\nCSeq: %(c)d REGISTER\r\nContact: <sip:3601@%(a)s:%(p)d>\r\n"
       "Expires: 120\r\nContent-Length: 0\r\n\r\n") % {"a": addr, "p": port, "t": tag, "c": cseq}
s.sendto(msg.encode(), (addr, 5060))
print(s.recvfrom(4096)[0].split(b" ")[1].decode())
PY
[ "$(python3 "$D/reg.py" $ADDR 1)" = 200 ] || fail "REGISTER without digest"
DT sipprofile set "Standard SIP Profile" --digest-auth on >/dev/null || fail "digest on"
ok=
for i in $(seq 2 51); do
	[ "$(python3 "$D/reg.py" $ADDR "$i")" = 401 ] && { ok=1; break; }
	sleep 0.02
done
[ -n "$ok" ] || fail "digest-auth on: REGISTER not challenged"
DT sipprofile add Fast --transport tls --digest-auth on >/dev/null || fail "sipprofile add"
usage 1 name sipprofile add Fast
DT device set $S --sip-profile Fast >/dev/null 2>"$D/err" || fail "device set: $(cat "$D/err")"
served $S.cnf.xml /device/transportLayerProtocol 3 || fail "new profile not served"
DT sipprofile list | grep -q '^Fast .* tls *on$' || fail "sipprofile list"
echo "36-admin-ref: ok"
