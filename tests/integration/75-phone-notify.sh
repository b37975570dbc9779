#!/bin/sh
# summary: NOTIFY service-control handling: a scripted CallManager (python, 127.0.75.2) answers
# REGISTER and sends `action=restart` then `action=reset`; the held phone answers 200, re-reads
# its config and re-registers (restart), then reboots through every step (reset); each new
# registration carries the Reason header with the load IDs again; refreshes (no Reason) follow
# the granted Expires minus timerRegisterDelta.
N=75
. "$(dirname "$0")/lib/phone.sh"
command -v python3 >/dev/null || skip "missing python3 (apt-get install -y python3)"
CM=127.0.75.2
setup_cluster "$CM"
dt device add --mac 00:11:22:33:75:01 --model 8851 >/dev/null || fail "device add"
dt line add --dn 7501 --device 001122337501 --password pw >/dev/null || fail "line add"
start_serve files "$ADDR" tftp,http,dhcp
cat >"$D/cm.py" <<'PY'
import re, socket, sys, threading
out = open(sys.argv[1], "a", buffering=1)
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.75.2", 5060)); srv.listen(16)
actions = ["restart", "reset"]
def msgs(c):
    buf = b""
    while True:
        while b"\r\n\r\n" in buf:
            head, rest = buf.split(b"\r\n\r\n", 1)
            m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            n = int(m.group(1)) if m else 0
            if len(rest) < n: break
            yield head.decode(), rest[:n].decode(); buf = rest[n:]
        d = c.recv(65536)
        if not d: return
        buf += d
def hdr(h, name):
    m = re.search(r"(?im)^%s:\s*(.*)$" % name, h); return m.group(1).strip() if m else ""
def serve(c):
    for h, body in msgs(c):
        first = h.split("\r\n")[0]
        if first.startswith("SIP/2.0"):
            out.write("phone answered %s\n" % first); continue
        exp = hdr(h, "Expires")
        out.write("REGISTER expires=%s reason=%s\n" % (exp, "yes" if hdr(h, "Reason") else "no"))
        r = "SIP/2.0 200 OK\r\n" + "".join("%s: %s\r\n" % (k, hdr(h, k)) for k in ("Via", "From", "To", "Call-ID", "CSeq"))
        r += "Expires: %s\r\nContent-Length: 0\r\n\r\n" % ("6" if exp != "0" else "0")
        c.sendall(r.encode())
        if exp != "0" and actions:
            a = actions.pop(0)
            body = "action=%s\r\nRegisterCallId={%s}\r\n" % (a, hdr(h, "Call-ID"))
            n = ("NOTIFY sip:x@127.1.75.10 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.75.2:5060;branch=z9hG4bKn%d\r\n"
                 "From: <sip:127.0.75.2>;tag=1\r\nTo: <sip:x@127.1.75.10>\r\nCall-ID: n%d@cm\r\nCSeq: 1 NOTIFY\r\n"
                 "Event: service-control\r\nSubscription-State: active\r\nContent-Type: text/plain\r\n"
                 "Content-Length: %d\r\n\r\n%s" % (len(actions), len(actions), len(body), body))
            c.sendall(n.encode()); out.write("sent NOTIFY %s\n" % a)
while True:
    c, _ = srv.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
python3 "$D/cm.py" "$D/cm.log" 2>"$D/cm.err" &
PIDS="$PIDS $!"
for _ in $(seq 1 50); do listening "$CM" tcp 5060 && break; sleep 0.1; done

"$DIALTONE" phone boot --server "$ADDR" --relay "$RELAY" --timeout 400 --mac 001122337501 --hold \
	>"$D/phone.log" 2>&1 &
PH=$!
PIDS="$PIDS $PH"
wait_for "$D/cm.log" "sent NOTIFY reset" 10
for _ in $(seq 1 50); do
	[ "$(grep -c 'REGISTER expires=3600' "$D/cm.log")" -ge 3 ] &&
		tail -n 1 "$D/phone.log" | grep -q '\[14 registered\] ok.*holding' && break
	sleep 0.1
done
grep -q "info.*NOTIFY service-control action=restart" "$D/phone.log" || fail "restart not seen"
grep -q "info.*NOTIFY service-control action=reset" "$D/phone.log" || fail "reset not seen"
[ "$(grep -c '\[06 get_config\] ok' "$D/phone.log")" -eq 3 ] || fail "config not re-read each time"
[ "$(grep -c '\[01 load_firmware\] ok' "$D/phone.log")" -eq 2 ] || fail "reset did not reboot"
[ "$(grep -c '\[03 dhcp\] ok' "$D/phone.log")" -eq 2 ] || fail "reset did not redo DHCP"
tail -n 1 "$D/phone.log" | grep -q '\[14 registered\] ok.*holding' || fail "not holding at the end"
[ "$(grep -c 'phone answered SIP/2.0 200' "$D/cm.log")" -eq 2 ] || fail "NOTIFYs not answered 200"
[ "$(grep -c 'REGISTER expires=3600 reason=yes' "$D/cm.log")" -eq 3 ] ||
	fail "each new registration must carry Reason"
[ "$(grep -c 'REGISTER expires=0' "$D/cm.log")" -eq 2 ] || fail "no unregister before restarts"
# Granted Expires 6, timerRegisterDelta 5: a refresh (same dialog, no Reason) every second.
wait_for "$D/cm.log" "REGISTER expires=3600 reason=no" 4
kill -INT $PH
wait $PH || fail "held phone exited $?"
echo "ok: restart re-read config and re-registered; reset rebooted through the steps"
