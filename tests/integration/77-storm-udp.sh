#!/bin/sh
# summary: SIP over UDP in the phone simulator (transportLayerProtocol 2, set by `sipprofile set
# --transport udp --digest-auth on`): one `phone boot` registers over UDP (a UDP socket at step 9,
# the digest challenge answered, a UDP binding at the registrar from the leased address, Expires 0
# unregister answered); a storm of 300 phones over UDP spread over 2 worker processes (--procs 2,
# relays RELAY and RELAY+1) all register, with one merged table; a dead registrar over UDP is
# reported as port unreachable at step 10; against a scripted UDP CallManager, a dropped REGISTER
# is retransmitted T1 later (Timer E) and NOTIFY service-control restart is answered and acted on.
N=77
. "$(dirname "$0")/lib/phone.sh"
command -v sqlite3 >/dev/null || skip "missing sqlite3 (apt-get install -y sqlite3)"
# 300 phones need more than the /24 of lib/phone.sh: a /22 of our own (127.77.0.0/22).
RELAY=127.77.0.1
dt node add cm0 --address "$ADDR" >/dev/null 2>"$D/setup.err" || fail "node add"
dt cmgroup add-member Default cm0 --priority 0 >/dev/null 2>>"$D/setup.err" || fail "cmgroup"
dt dhcp subnet add 127.77.0.0/22 --pool 127.77.0.10-127.77.3.250 --router "$RELAY" \
	--tftp "$ADDR" >/dev/null 2>>"$D/setup.err" || fail "dhcp subnet add"
dt sipprofile set "Standard SIP Profile" --transport udp --digest-auth on >/dev/null \
	2>>"$D/setup.err" || fail "sipprofile set --transport udp --digest-auth on"
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
grep -q "\[10 sip_register\] info.*401 digest challenge; answering" "$D/boot.log" ||
	fail "no digest challenge over UDP"
grep -q "\[10 sip_register\] ok .*200 OK.*(digest answered)" "$D/boot.log" ||
	fail "no 200 after the digest answer at step 10"
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
# 4. Timer E and NOTIFY over UDP against a scripted CallManager on ADDR:5060/udp (the files
# server holds no SIP socket now): it drops the first REGISTER, answers the retransmission, then
# sends NOTIFY service-control action=restart; the phone answers 200 on its socket, unregisters
# and registers again (Reason with the load IDs: a restart).
command -v python3 >/dev/null || skip "missing python3 (apt-get install -y python3)"
cat >"$D/cm.py" <<'PY'
import re, socket, sys, time
out = open(sys.argv[1], "a", buffering=1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[2], 5060)); s.settimeout(0.2)
def hdr(m, n):
    r = re.search(r"(?im)^%s:\s*(.*?)\r?$" % n, m); return r.group(1) if r else ""
t0 = None; n_reg = 0; notified = False; end = time.time() + 25
while time.time() < end:
    try: d, a = s.recvfrom(65536)
    except socket.timeout: continue
    m = d.decode(errors="replace"); first = m.split("\r\n")[0]
    if first.startswith("SIP/2.0"):
        out.write("phone answered %s (CSeq %s)\n" % (first, hdr(m, "CSeq"))); continue
    if not first.startswith("REGISTER"): continue
    n_reg += 1; now = time.time(); t0 = t0 or now
    out.write("REGISTER %d at %.3f CSeq %s Expires %s reason=%d via=%s\n" % (n_reg, now - t0,
        hdr(m, "CSeq"), hdr(m, "Expires"), "ActiveLoad=" in hdr(m, "Reason"), hdr(m, "Via")))
    if n_reg == 1: continue  # lost: the phone must retransmit it
    resp = "SIP/2.0 200 OK\r\n" + "".join("%s: %s\r\n" % (h, hdr(m, h)) for h in
        ("Via", "From", "To", "Call-ID", "CSeq", "Contact")) + "Expires: %s\r\nContent-Length: 0\r\n\r\n" % hdr(m, "Expires")
    s.sendto(resp.encode(), a)
    if not notified and hdr(m, "Expires") != "0":
        notified = True
        body = "action=restart\r\nRegisterCallId={%s}\r\n" % hdr(m, "Call-ID")
        n = ("NOTIFY sip:%s:%d SIP/2.0\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bKn1\r\n"
             "From: <sip:cm@%s>;tag=n1\r\nTo: %s\r\nCall-ID: notify-1@cm\r\nCSeq: 1 NOTIFY\r\n"
             "Event: service-control\r\nSubscription-State: active\r\nMax-Forwards: 70\r\n"
             "Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s") % (a[0], a[1],
             sys.argv[2], sys.argv[2], hdr(m, "From"), len(body), body)
        s.sendto(n.encode(), a)
PY
python3 "$D/cm.py" "$D/cm.log" "$ADDR" &
PIDS="$PIDS $!"
sleep 0.3
"$DIALTONE" phone boot --server "$ADDR" --relay "$RELAY" --timeout 400 \
	--mac 00:11:22:33:77:01 --state "$D/state" --hold >"$D/notify.log" 2>"$D/notify.err" &
BP=$!
PIDS="$PIDS $BP"
wait_for "$D/cm.log" "REGISTER 4 " 15
sleep 0.3
kill -INT "$BP"
wait "$BP"
python3 - "$D/cm.log" <<'PY' || fail "Timer E / NOTIFY over UDP: $(cat "$D/cm.log")"
import re, sys
L = open(sys.argv[1]).read().splitlines()
regs = [l for l in L if l.startswith("REGISTER ")]
at = [float(l.split()[3]) for l in regs]
cseq = [l.split()[5] for l in regs]
assert "SIP/2.0/UDP " in regs[0], regs[0]
# 1 dropped, 2 = its retransmission T1 later (same CSeq), answered.
assert cseq[0] == cseq[1] and 0.35 <= at[1] - at[0] <= 0.9, regs[:2]
assert "reason=1" in regs[0] and "reason=1" in regs[1]
assert any(l.startswith("phone answered SIP/2.0 200 OK (CSeq 1 NOTIFY)") for l in L), L
# restart: Expires 0, then a new registration carrying the Reason again.
i0 = next(i for i, l in enumerate(regs) if " Expires 0 " in l)
assert any("reason=1" in l and " Expires 0 " not in l for l in regs[i0 + 1:]), regs
PY
grep -q "NOTIFY service-control\|restart" "$D/notify.log" || fail "the phone did not log the restart"
echo "ok: phone boot over UDP registered and unregistered; 300-phone UDP storm over 2 processes all registered; Timer E retransmission and NOTIFY restart over UDP"
