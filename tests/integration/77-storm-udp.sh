#!/bin/sh
# summary: SIP over UDP in the phone simulator (transportLayerProtocol 2, set by `sipprofile set
# --transport udp`): one `phone boot` registers over UDP (Via/Contact say UDP, the registrar's
# binding is a UDP one, Expires 0 unregister answered); then a storm of 300 phones over UDP spread
# over 2 worker processes (--procs 2, relays RELAY and RELAY+1) all register, with one merged
# table (every step row with 300 samples); a dead registrar over UDP is reported as port
# unreachable at step 10.
N=77
. "$(dirname "$0")/lib/phone.sh"
command -v sqlite3 >/dev/null || skip "missing sqlite3 (apt-get install -y sqlite3)"
# 300 phones need more than the /24 of lib/phone.sh: a /22 of our own (127.77.0.0/22).
RELAY=127.77.0.1
dt node add cm0 --address "$ADDR" >/dev/null 2>"$D/setup.err" || fail "node add"
dt cmgroup add-member Default cm0 --priority 0 >/dev/null 2>>"$D/setup.err" || fail "cmgroup"
dt dhcp subnet add 127.77.0.0/22 --pool 127.77.0.10-127.77.3.250 --router "$RELAY" \
	--tftp "$ADDR" >/dev/null 2>>"$D/setup.err" || fail "dhcp subnet add"
dt sipprofile set "Standard SIP Profile" --transport udp >/dev/null 2>>"$D/setup.err" ||
	fail "sipprofile set --transport udp"
dt device add --mac 00:11:22:33:77:01 --model 8851 >/dev/null || fail "device add"
dt line add --dn 7701 --device 001122337701 --display "Lab 7701" --password pw7701 >/dev/null ||
	fail "line add"
start_serve main "$ADDR" tftp,http,dhcp,sip

# 1. One phone over UDP: the config says transportLayerProtocol 2, step 9 is a UDP socket (no
# connection), step 10 registers, the registrar holds a UDP binding from the leased address.
"$DIALTONE" phone boot --server "$ADDR" --relay "$RELAY" --timeout 400 \
	--mac 00:11:22:33:77:01 --state "$D/state" --hold >"$D/boot.log" 2>"$D/boot.err" &
BP=$!
PIDS="$PIDS $BP"
wait_for "$D/boot.log" "[14 registered] ok" 20
grep -q "\[09 connect_cm\] ok .*UDP (transportLayerProtocol 2).*UDP socket to $ADDR:5060" \
	"$D/boot.log" || fail "step 9 is not a UDP socket"
grep -q "\[10 sip_register\] ok .*200 OK" "$D/boot.log" || fail "no 200 at step 10"
IP=$(sed -n 's/.*ACK \(127\.77\.[0-9.]*\) .*/\1/p' "$D/boot.log" | head -n 1)
[ -n "$IP" ] || fail "no lease in the log"
PORT=$(sed -n 's/.*UDP socket to .* from port \([0-9]*\), no connection.*/\1/p' "$D/boot.log")
[ -n "$PORT" ] || fail "no local port in the step 9 line"
ss -Huan "src $IP:$PORT" | grep -q . || fail "the phone holds no UDP socket on $IP:$PORT"
ss -Htn "src $IP" | grep -q . && fail "the phone holds a TCP connection over UDP transport"
STATE=
for _ in $(seq 1 40); do
	STATE=$(device_state SEP001122337701)
	case $STATE in "1|$IP|"*) break ;; esac
	sleep 0.1
done
[ "$STATE" = "1|$IP|sip88xx.14-2-1-0001-14.loads|sip88xx.12-8-1-0001-455.loads" ] ||
	fail "registrar state '$STATE' (want registered from $IP with both load IDs)"
grep -q "sip SEP001122337701 registered 7701 from $IP:$PORT/UDP" "$D/serve-main.log" ||
	fail "the registrar did not log a UDP registration from $IP:$PORT"
kill -INT "$BP"
wait "$BP"
[ $? -eq 0 ] || fail "held phone did not unregister cleanly"
grep -q "REGISTER Expires: 0 | got: 200 OK" "$D/boot.log" || fail "no clean unregister over UDP"

# 2. A storm of 300 phones over UDP in 2 processes: all registered, one merged table.
"$DIALTONE" --data "$D" storm --phones 300 --procs 2 --server "$ADDR" --relay "$RELAY" \
	--provision --max-seconds 60 --timeout 1000 >"$D/storm.log" 2>"$D/storm.err" ||
	fail "storm exited $?"
grep -q "^phones: 300 started, 300 registered, 0 failed, 0 unfinished" "$D/storm.log" ||
	fail "not all 300 registered"
for s in dhcp get_config connect_cm sip_register registered; do
	grep -qE "^[0-9]+ +$s +300 " "$D/storm.log" || fail "no merged row with 300 samples for $s"
done
grep -qE "^phones per second \(registered / time to last\): [0-9]+\.[0-9]" "$D/storm.log" ||
	fail "no phones/s"
# Both relays were used: leases came through giaddr RELAY and RELAY+1 (2 workers).
[ "$(dt dhcp leases 2>/dev/null | grep -c '127\.77\.')" -ge 301 ] || fail "fewer than 301 leases"

# 3. Registrar gone (UDP port unreachable): step 10 fails at once, naming the reason.
kill "$SERVE_PID_main"
wait "$SERVE_PID_main" 2>/dev/null
start_serve files "$ADDR" tftp,http,dhcp
boot --mac 00:11:22:33:77:01 --state "$D/state" >"$D/dead.log" 2>"$D/dead.err"
[ $? -eq 1 ] || fail "boot without a registrar did not exit 1"
grep -q "stopped at step 10 sip_register: .*port unreachable" "$D/dead.err" ||
	fail "no port-unreachable reason: $(cat "$D/dead.err")"
echo "ok: phone boot over UDP registered and unregistered; 300-phone UDP storm over 2 processes all registered"
