#!/bin/sh
# summary: boots that must stop and name their step: an unprovisioned phone falls back to
# XMLDefault.cnf.xml and is refused at step 10 (autoregistration off); no DHCP server stops at
# step 3 after retries with backoff; a malformed config (from a file server named by option 150)
# stops at step 6 naming the file and line; a dead file server stops at step 4; bad usage exits 2 naming the field.
N=71
. "$(dirname "$0")/lib/phone.sh"
setup_cluster "$ADDR"
start_serve main "$ADDR" tftp,http,dhcp,sip

boot --mac 00:11:22:33:71:99 >"$D/unprov.log" 2>"$D/unprov.err"
rc=$?
[ $rc -eq 1 ] || fail "unprovisioned phone exited $rc, want 1"
grep -q "\[06 get_config\] info.*SEP001122337199.cnf.xml | got: not found.*trying XMLDefault" \
	"$D/unprov.log" || fail "no SEP not-found then XMLDefault"
grep -q "\[06 get_config\] ok.*sent: XMLDefault.cnf.xml" "$D/unprov.log" || fail "XMLDefault not used"
grep -q "\[10 sip_register\] failed" "$D/unprov.log" || fail "not refused at step 10"
grep -q "stopped at step 10 sip_register: registration rejected: 40[34]" "$D/unprov.err" ||
	fail "stderr does not name step 10: $(cat "$D/unprov.err")"

# Nothing answers DHCP on 127.0.71.9: step 3 retries (backoff) and stops.
"$DIALTONE" phone boot --mac 00:11:22:33:71:98 --server 127.0.71.9 --relay 127.1.71.2 \
	--timeout 100 --retries 3 >"$D/nodhcp.log" 2>"$D/nodhcp.err"
rc=$?
[ $rc -eq 1 ] || fail "no-DHCP boot exited $rc"
[ "$(grep -c '\[03 dhcp\] retry' "$D/nodhcp.log")" -eq 2 ] || fail "want 2 DHCP retries"
grep -q "stopped at step 3 dhcp: no DHCP OFFER" "$D/nodhcp.err" || fail "$(cat "$D/nodhcp.err")"

# A broken SEP file on another file server (127.0.71.2), reached through a second subnet.
command -v python3 >/dev/null || skip "missing python3 (apt-get install -y python3)"
mkdir -p "$D/broken"
printf '<?xml version="1.0"?>\n<device>\n<deviceProtocol>SIP</deviceProtocol>\n<devicePool>\n</device>\n' \
	>"$D/broken/SEP001122337197.cnf.xml"
python3 -m http.server 6970 --bind 127.0.71.2 --directory "$D/broken" >"$D/broken-http.err" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 1 50); do listening 127.0.71.2 tcp 6970 && break; sleep 0.1; done
dt dhcp subnet add 127.2.71.0/24 --pool 127.2.71.10-127.2.71.250 --tftp 127.0.71.2 >/dev/null ||
	fail "second subnet"
sleep 0.3
"$DIALTONE" phone boot --mac 00:11:22:33:71:97 --server "$ADDR" --relay 127.2.71.1 --timeout 200 \
	>"$D/broken.log" 2>"$D/broken.err"
[ $? -eq 1 ] || fail "malformed config did not fail the boot"
grep -q "stopped at step 6 get_config: SEP001122337197.cnf.xml:5: .*devicePool" "$D/broken.err" ||
	fail "malformed config error does not name file and line: $(cat "$D/broken.err")"

# Option 150 names a file server that is down (127.0.71.3): HTTP refused, TFTP retried with
# backoff, then the boot stops at step 4 naming what was tried.
dt dhcp subnet add 127.3.71.0/24 --pool 127.3.71.10-127.3.71.250 --tftp 127.0.71.3 >/dev/null ||
	fail "third subnet"
sleep 0.3
"$DIALTONE" phone boot --mac 00:11:22:33:71:96 --server "$ADDR" --relay 127.3.71.1 --timeout 100 \
	>"$D/nofiles.log" 2>"$D/nofiles.err"
[ $? -eq 1 ] || fail "dead file server did not fail the boot"
grep -q "stopped at step 4 get_ctl: CTLSEP001122337196.tlv: no file server answered (http 127.0.71.3 no answer, tftp 127.0.71.3 no answer)" \
	"$D/nofiles.err" || fail "dead file server: $(cat "$D/nofiles.err")"

"$DIALTONE" phone boot --mac nonsense >/dev/null 2>"$D/usage.err"
[ $? -eq 2 ] || fail "bad MAC not a usage error"
grep -q "mac" "$D/usage.err" || fail "usage error does not name the field"
"$DIALTONE" phone boot --mac 001122337198 --model 1234 >/dev/null 2>"$D/usage2.err"
[ $? -eq 2 ] || fail "bad model not a usage error"
echo "ok: XMLDefault then refused at step 10; no DHCP stops at step 3; malformed config names"\
	"its line at step 6; usage errors"
