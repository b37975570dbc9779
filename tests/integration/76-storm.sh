#!/bin/sh
# summary: `dialtone storm` against `dialtone serve`: 200 phones from one process (--provision
# creates them, one shared relay socket, leased addresses as sources) all register; the table has
# every step with p50/p90/p99/max, phones/s and time to last registered; --plot writes a
# well-formed SVG; phones from a --macs list that are not provisioned make the storm exit 1 with
# the failures grouped under step 10.
N=76
. "$(dirname "$0")/lib/phone.sh"
command -v python3 >/dev/null || skip "missing python3 (apt-get install -y python3)"
setup_cluster "$ADDR"
start_serve main "$ADDR" tftp,http,dhcp,sip

"$DIALTONE" --data "$D" storm --phones 200 --server "$ADDR" --relay "$RELAY" --provision \
	--plot "$D/storm.svg" --max-seconds 60 --timeout 1000 >"$D/storm.log" 2>"$D/storm.err" ||
	fail "storm exited $?"
grep -q "^phones: 200 started, 200 registered, 0 failed, 0 unfinished" "$D/storm.log" ||
	fail "not all registered"
for s in load_firmware learn_voice_vlan dhcp get_ctl get_itl get_config check_firmware \
	get_dial_rules connect_cm sip_register get_locale get_softkeys get_ringtones registered; do
	grep -qE "^[0-9]+ +$s +200 " "$D/storm.log" || fail "no latency row with 200 samples for $s"
done
grep -qE "^phones per second \(registered / time to last\): [0-9]+\.[0-9]" "$D/storm.log" ||
	fail "no phones/s"
python3 - "$D/storm.svg" <<'PY' || fail "SVG"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag.endswith("svg"), root.tag
texts = "".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
assert "200 of 200 registered" in texts and "sip_register" in texts, texts
assert any(e.tag.endswith("polyline") for e in root.iter())
PY
# 200 phones hold 200 distinct leases (the /24 pool has 241).
[ "$(dt dhcp leases 2>/dev/null | grep -c '127\.1\.76\.')" -ge 200 ] || fail "fewer than 200 leases"

# Unprovisioned phones (a MAC list the database does not know): refused at step 10, exit 1.
printf '# not provisioned\n00:11:22:33:76:01\n00:11:22:33:76:02\n0011.2233.7603\n' >"$D/macs.txt"
"$DIALTONE" storm --phones 3 --macs "$D/macs.txt" --server "$ADDR" --relay "$RELAY" \
	--max-seconds 30 --timeout 500 >"$D/bad.log" 2>"$D/bad.err"
[ $? -eq 1 ] || fail "storm with refused phones did not exit 1"
grep -q "^phones: 3 started, 0 registered, 3 failed" "$D/bad.log" || fail "failures not counted"
grep -qE "^10 +sip_register +[a-z0-9-]+ +3 " "$D/bad.log" || fail "failures not grouped under step 10"
grep -q "3 of 3 phones did not register" "$D/bad.err" || fail "stderr: $(cat "$D/bad.err")"
"$DIALTONE" storm --phones 3 --server "$ADDR" >/dev/null 2>&1 --rate -1
[ $? -eq 2 ] || fail "bad --rate not a usage error"
echo "ok: 200-phone storm registered with a full table and plot; refused phones exit 1 by step"
