#!/bin/sh
# summary: sipp registers provisioned lines over UDP and TCP, with and without digest; unknown
# lines get 404; bindings survive a restart (persisted, reloaded); `device history` shows them.
# Needs: sipp (sip-tester).
ADDR=127.0.60.1
. "$(dirname "$0")/lib/sip.sh"
need sipp sip-tester
cd "$D" || exit 1
for i in 1 2 3 4 5; do add_phone "00AABBCC000$i" "200$i" "pw200$i"; done
add_phone 0011223344AA 3001 s3cret authenticated
printf 'SEQUENTIAL\n2001;x;x\n2002;x;x\n2003;x;x\n2004;x;x\n2005;x;x\n' >plain.csv
printf 'SEQUENTIAL\n3001;[authentication username=3001 password=s3cret]\n' >auth.csv
printf 'SEQUENTIAL\n9001;x;x\n' >unknown.csv
start_serve --log-level info

# UDP and TCP without digest: 5 REGISTERs each, all answered 200.
sipp -sf "$SCEN/register.xml" -inf plain.csv -m 5 -r 50 -t u1 -i 127.0.60.2 -p 5071 \
	-timeout 10 "$ADDR:5060" >sipp-udp.out 2>&1 </dev/null ||
	fail "sipp UDP register: $(tail -n 5 sipp-udp.out) $(cat ./*errors.log 2>/dev/null | head)"
sipp -sf "$SCEN/register.xml" -inf plain.csv -m 5 -r 50 -t t1 -i 127.0.60.2 -p 5072 \
	-timeout 10 "$ADDR:5060" >sipp-tcp.out 2>&1 </dev/null || fail "sipp TCP register"
# Digest: 401, then 200 with the right credentials.
sipp -sf "$SCEN/register_auth.xml" -inf auth.csv -m 1 -t u1 -i 127.0.60.2 -p 5073 \
	-timeout 10 "$ADDR:5060" >sipp-auth.out 2>&1 </dev/null || fail "sipp digest register"
# Unknown line: the 200 never comes (404), so sipp must fail.
if sipp -sf "$SCEN/register.xml" -inf unknown.csv -m 1 -t u1 -i 127.0.60.2 -p 5074 \
	-timeout 5 -recv_timeout 2000 "$ADDR:5060" >sipp-unk.out 2>&1 </dev/null; then
	fail "an unknown line registered"
fi
grep -q "registered 2003 from 127.0.60.2:5072/TCP" "$D/serve.log" || fail "no TCP registration logged"
grep -q "registered 3001 from 127.0.60.2:5073/UDP" "$D/serve.log" || fail "no digest registration"
sleep 1.5 # one persist_ms batch
stop_serve
# The bindings were persisted and are reloaded at start: nobody re-registers.
start_serve --log-level info
grep -q "11 bindings restored" "$D/serve.log" || fail "bindings not restored: $(grep restored "$D/serve.log")"
stop_serve
out=$("$DIALTONE" --data "$D" device history SEP00AABBCC0003 2>&1) || fail "device history: $out"
echo "$out" | grep -q "register" || fail "history has no register row: $out"
json=$("$DIALTONE" --data "$D" device history SEP00AABBCC0003 --json 2>&1) || fail "history --json"
echo "$json" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["history"][0]["event"]=="register", r' ||
	fail "history json: $json"
echo "60-sip-sipp: ok"
