#!/bin/sh
# summary: step 7: a phone whose config names another load downloads the .loads manifest and
# every image it lists, swaps active/inactive in its flash, reboots through the steps once and
# registers reporting the new ActiveLoad and the old one as InactiveLoad; a load whose image is
# missing keeps the running load and boots on (a real phone's behaviour).
N=72
. "$(dirname "$0")/lib/phone.sh"
command -v sqlite3 >/dev/null || skip "missing sqlite3 (apt-get install -y sqlite3)"
setup_cluster "$ADDR"
NEW=sip88xx.14-3-1-0001-33
mkdir -p "$D/tftpboot/firmware"
printf '# manifest\nkern88xx.14-3-1-0001-33.sbn\nrootfs88xx.14-3-1-0001-33.sbn\n' \
	>"$D/tftpboot/firmware/$NEW.loads"
head -c 300000 /dev/urandom >"$D/tftpboot/firmware/kern88xx.14-3-1-0001-33.sbn"
head -c 70000 /dev/urandom >"$D/tftpboot/firmware/rootfs88xx.14-3-1-0001-33.sbn"
printf 'missing88xx.14-4-1-0001-1.sbn\n' >"$D/tftpboot/firmware/sip88xx.14-4-1-0001-1.loads"
dt device add --mac 00:11:22:33:72:01 --model 8851 --load "$NEW" >/dev/null || fail "device add"
dt line add --dn 7201 --device 001122337201 --password pw >/dev/null || fail "line add"
dt device add --mac 00:11:22:33:72:02 --model 8851 --load sip88xx.14-4-1-0001-1 >/dev/null ||
	fail "device add 2"
dt line add --dn 7202 --device 001122337202 --password pw >/dev/null || fail "line add 2"
start_serve main "$ADDR" tftp,http,dhcp,sip

boot --mac 001122337201 --state "$D/state" >"$D/up.log" 2>"$D/up.err" || fail "upgrade boot exited $?"
grep -q "\[07 check_firmware\] ok.*3 file(s) downloaded; active=$NEW inactive=sip88xx.14-2-1-0001-14; rebooting" \
	"$D/up.log" || fail "no download and swap at step 7"
[ "$(grep -c '\[01 load_firmware\] ok' "$D/up.log")" -eq 2 ] || fail "did not reboot exactly once"
grep -q "\[01 load_firmware\] ok.*boots active load $NEW (inactive sip88xx.14-2-1-0001-14)" \
	"$D/up.log" || fail "second boot does not run the new load"
grep -q "\[07 check_firmware\] ok.*running load $NEW is current" "$D/up.log" ||
	fail "after the reboot the load is not current"
grep -q "^active=$NEW$" "$D/state/SEP001122337201/flash" || fail "flash not updated"
grep -q "^inactive=sip88xx.14-2-1-0001-14$" "$D/state/SEP001122337201/flash" || fail "inactive"
grep -q 'status=200 bytes=300000' "$D/serve-main.log" || fail "image not served in full"
for _ in $(seq 1 30); do
	st=$(device_state SEP001122337201)
	[ "${st#*|*|}" = "$NEW.loads|sip88xx.14-2-1-0001-14.loads" ] && break
	sleep 0.1 # the registrar writes its state in batches ([sip] persist_ms)
done
[ "${st#*|*|}" = "$NEW.loads|sip88xx.14-2-1-0001-14.loads" ] || fail "registrar saw '$st'"

# Image missing: keeps the running load, still registers.
boot --mac 001122337202 --state "$D/state" >"$D/miss.log" 2>"$D/miss.err" ||
	fail "missing-image boot exited $?"
grep -q "\[07 check_firmware\] failed-continue.*firmware file missing; keeps running sip88xx.14-2-1-0001-14" \
	"$D/miss.log" || fail "missing image not reported at step 7"
grep -q "^active=sip88xx.14-2-1-0001-14$" "$D/state/SEP001122337202/flash" || fail "flash changed"
grep -q "\[14 registered\] ok" "$D/miss.log" || fail "did not register after a failed upgrade"
echo "ok: upgrade swapped loads and rebooted once; a missing image keeps the running load"
