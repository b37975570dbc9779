#!/bin/sh
# summary: sipsak (usrloc mode) registers a line without and with digest; a wrong password is
# refused with 403 and the device shows Rejected/AuthenticationError in its history.
# Needs: sipsak.
ADDR=127.0.62.1
. "$(dirname "$0")/lib/sip.sh"
need sipsak sipsak
cd "$D" || exit 1
add_phone 00AABBCC0201 2201 pw2201
add_phone 00AABBCC0202 3201 s3cret authenticated
start_serve --log-level info
sipsak -U -C sip:2201@127.0.62.2:5099 -s "sip:2201@$ADDR" -x 3600 >sk1.out 2>&1
rc=$?
[ $rc -eq 0 ] || fail "sipsak plain register (exit $rc): $(tail -n 3 sk1.out)"
grep -q "registered 2201" "$D/serve.log" || fail "no registration of 2201 logged"
sipsak -U -C sip:3201@127.0.62.2:5098 -s "sip:3201@$ADDR" -x 3600 -u 3201 -a s3cret >sk2.out 2>&1
rc=$?
[ $rc -eq 0 ] || fail "sipsak digest register (exit $rc): $(tail -n 3 sk2.out)"
grep -q "SEP00AABBCC0202 registered 3201" "$D/serve.log" || fail "no digest registration logged"
if sipsak -U -C sip:3201@127.0.62.2:5097 -s "sip:3201@$ADDR" -x 3600 -u 3201 -a wrong \
	>sk3.out 2>&1; then
	fail "a wrong password registered"
fi
grep -q "403 Forbidden" sk3.out || fail "wrong password not answered 403: $(tail -n 5 sk3.out)"
sleep 1.5 # one persist batch
out=$("$DIALTONE" --data "$D" device history SEP00AABBCC0202 2>&1) || fail "history: $out"
echo "$out" | grep -q "AuthenticationError (4)" || fail "no AuthenticationError row: $out"
echo "62-sip-sipsak: ok"
