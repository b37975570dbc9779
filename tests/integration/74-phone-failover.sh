#!/bin/sh
# summary: CallManager failover: the group is cm0 (127.0.74.2) then cm1 (127.0.74.3), each a
# `serve --only sip`; files and DHCP come from 127.0.74.1. A held phone registers on cm0; cm0 is
# killed; the phone reconnects, is refused by cm0 and registers on cm1; cm0 comes back and the
# phone re-homes to it. The standby gets keepalive REGISTERs. A phone booting while cm0 is down fails over at step 9.
N=74
. "$(dirname "$0")/lib/phone.sh"
CM0=127.0.74.2
CM1=127.0.74.3
setup_cluster "$CM0" "$CM1"
dt device add --mac 00:11:22:33:74:01 --model 8851 >/dev/null || fail "device add"
dt line add --dn 7401 --device 001122337401 --password pw >/dev/null || fail "line add"
start_serve files "$ADDR" tftp,http,dhcp
start_serve cm0 "$CM0" sip
start_serve cm1 "$CM1" sip

"$DIALTONE" phone boot --server "$ADDR" --relay "$RELAY" --timeout 400 --mac 001122337401 --hold \
	>"$D/phone.log" 2>&1 &
PH=$!
PIDS="$PIDS $PH"
wait_for "$D/phone.log" "[14 registered] ok" 10
grep -q "\[10 sip_register\] ok.*200 OK from $CM0:5060" "$D/phone.log" || fail "not on cm0 first"
# The standby gets the keepalive REGISTER (Expires 0, cisco-keep-alive) and answers 200 without
# unregistering the device (both serves share the database).
wait_for "$D/phone.log" "keepalive REGISTER (Expires: 0) to standby $CM1:5060 | got: 200" 5
sleep 1.5
[ "$(device_state SEP001122337401 | cut -d'|' -f1)" = 1 ] ||
	fail "device not registered after the standby keepalive: $(device_state SEP001122337401)"

kill "$SERVE_PID_cm0"
wait "$SERVE_PID_cm0" 2>/dev/null
wait_for "$D/phone.log" "200 OK from $CM1:5060" 10
grep -q "\[09 connect_cm\] retry.*$CM0:5060 (priority 0)" "$D/phone.log" || fail "cm0 not tried first"

start_serve cm0 "$CM0" sip
wait_for "$D/phone.log" "primary CallManager is back" 15
sleep 1
[ "$(grep -c "200 OK from $CM0:5060" "$D/phone.log")" -ge 2 ] || fail "did not re-home to cm0"
kill -INT $PH
wait $PH || fail "held phone exited $? after SIGINT"

# Booting while cm0 is down: step 9 fails over by itself.
kill "$SERVE_PID_cm0"
wait "$SERVE_PID_cm0" 2>/dev/null
boot --mac 001122337401 >"$D/down.log" 2>"$D/down.err" || fail "boot with cm0 down: exit $?"
grep -q "\[09 connect_cm\] retry.*$CM0:5060 (priority 0): Connection refused" "$D/down.log" ||
	fail "no refused connection to cm0 at step 9"
grep -q "\[09 connect_cm\] ok.*connected to $CM1:5060 (member priority 1)" "$D/down.log" ||
	fail "no failover to cm1 at step 9"
echo "ok: failover to cm1 when cm0 died, back to cm0 when it returned, step-9 failover"
