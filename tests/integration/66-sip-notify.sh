#!/bin/sh
# summary: `dialtone device apply-config` / `device reset` reach a registered phone over its own
# TCP connection as NOTIFY Event: service-control (action=restart / action=reset, RegisterCallId =
# the REGISTER's Call-ID); the device shows config=pending, then applied once it registers again;
# a phone that is not registered is reported as such. The phone is a small Python TCP client
# (sipp maps requests to calls by Call-ID, and the NOTIFY is out of dialog). Needs: python3.
ADDR=127.0.66.1
. "$(dirname "$0")/lib/sip.sh"
cd "$D" || exit 1
add_phone 00AABBCC0601 2601 pw2601
start_serve --log-level info
out=$("$DIALTONE" --data "$D" device reset SEP00AABBCC0601 2>&1) && fail "reset of an unregistered phone: $out"
echo "$out" | grep -q "not registered" || fail "unregistered phone not reported: $out"
cat >phone.py <<'PY'
import socket, sys, time
addr, callid, action = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.create_connection((addr, 5060), 5, source_address=("127.0.66.2", 0))
port = s.getsockname()[1]
s.settimeout(20)
def read_msg():
    buf = b""
    while b"\r\n\r\n" not in buf:
        c = s.recv(4096)
        if not c:
            sys.exit("connection closed")
        buf += c
    head, body = buf.split(b"\r\n\r\n", 1)
    n = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
    while len(body) < n:
        body += s.recv(4096)
    return head.decode(), body[:n].decode()
s.sendall(("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.66.2:%d;branch=z9hG4bK%d\r\n"
           "From: <sip:2601@%s>;tag=ph\r\nTo: <sip:2601@%s>\r\nCall-ID: %s\r\nCSeq: 1 REGISTER\r\n"
           "Contact: <sip:ph@127.0.66.2:%d;transport=tcp>\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n"
           % (addr, port, port, addr, addr, callid, port)).encode())
head, _ = read_msg()
assert head.startswith("SIP/2.0 200"), head
print("registered", flush=True)
head, body = read_msg()
assert head.startswith("NOTIFY sip:ph@127.0.66.2:%d;transport=tcp SIP/2.0" % port), head
assert "\r\nEvent: service-control" in head, head
assert "action=%s\r\n" % action in body, body
assert "RegisterCallId={%s}" % callid in body, body
hdrs = dict(l.split(": ", 1) for l in head.split("\r\n")[1:])
s.sendall(("SIP/2.0 200 OK\r\nVia: %s\r\nFrom: %s\r\nTo: %s;tag=ph2\r\nCall-ID: %s\r\nCSeq: %s\r\n"
           "Content-Length: 0\r\n\r\n" % (hdrs["Via"], hdrs["From"], hdrs["To"], hdrs["Call-ID"],
                                          hdrs["CSeq"])).encode())
time.sleep(0.3)
print("notified", flush=True)
PY
round() { # $1 Call-ID, $2 CLI verb, $3 action on the wire
	python3 phone.py "$ADDR" "$1" "$3" >"phone-$2.out" 2>&1 &
	PP=$!
	PIDS=$PP
	for _ in $(seq 1 50); do grep -q registered "phone-$2.out" && break; sleep 0.1; done
	out=$("$DIALTONE" --data "$D" device "$2" SEP00AABBCC0601 2>&1) || fail "device $2: $out"
	echo "$out" | grep -q "NOTIFY service-control" || fail "device $2 said: $out"
	wait "$PP" || fail "the phone did not get the right NOTIFY ($2): $(cat "phone-$2.out")"
	grep -q notified "phone-$2.out" || fail "phone: $(cat "phone-$2.out")"
	PIDS=
}
round call-1@ph apply-config restart
sleep 1.5
show=$("$DIALTONE" --data "$D" device show SEP00AABBCC0601 2>&1)
echo "$show" | grep -q "config=pending" || fail "not pending after apply-config: $show"
# the phone restarts and registers with a new Call-ID → applied; then a reset
round call-2@ph reset reset
sleep 1.5
show=$("$DIALTONE" --data "$D" device show SEP00AABBCC0601 2>&1)
echo "$show" | grep -q "config=" || fail "no config state: $show"
hist=$("$DIALTONE" --data "$D" device history SEP00AABBCC0601 2>&1)
[ "$(echo "$hist" | grep -c " register ")" -ge 2 ] || fail "history: $hist"
grep -q "apply-config: NOTIFY sent" "$D/serve.log" || fail "apply-config not logged"
echo "66-sip-notify: ok"
