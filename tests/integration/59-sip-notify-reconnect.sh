#!/bin/sh
# summary: NOTIFY service-control reaches the phone over the right transport (RFC 3261 §18.2.2,
# §18.4). TCP and TLS: the phone registers, closes its connection and listens at its Contact;
# `device reset` makes serve open a new connection to the Contact (from the address the phone
# registered to), the NOTIFY arrives on it, the phone's answer and a new REGISTER on it are handled
# like on any accepted connection, and the next NOTIFY reuses it. Failures: nothing listening at the
# Contact (refused) and a TLS peer that never answers (timed out) fail the request with a detail
# naming the address, the device shows config=failed, and serve keeps answering. UDP: with
# `serve --listen A,B`, a NOTIFY leaves from the address the phone registered to (B, then A).
# The phone is python3 (sockets, ssl). Needs: python3.
ADDR=127.0.59.1
ADDR2=127.0.59.3
PHONE=127.0.59.2
. "$(dirname "$0")/lib/sip.sh"
need python3 python3
cd "$D" || exit 1
add_phone 00AABBCC0591 2591 pw2591 # TCP, reconnect
add_phone 00AABBCC0592 2592 pw2592 # TCP, nothing listening at the Contact
add_phone 00AABBCC0593 2593 pw2593 # TLS, reconnect
add_phone 00AABBCC0594 2594 pw2594 # TLS, silent peer at the Contact
add_phone 00AABBCC0595 2595 pw2595 # UDP at the second address
add_phone 00AABBCC0596 2596 pw2596 # UDP at the first address
start_serve --log-level debug --listen "$ADDR,$ADDR2"

cat >phone.py <<'PY'
import socket, ssl, sys, time
mode, server, dn, data = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
PHONE = "127.0.59.2"

def say(*a):
    print(*a, flush=True)

def read_msg(s):
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

def register(tr, via_port, contact_port, callid, cseq, scheme="sip"):
    return ("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/%s %s:%d;branch=z9hG4bK%d%s\r\n"
            "From: <sip:%s@%s>;tag=ph\r\nTo: <sip:%s@%s>\r\nCall-ID: %s\r\nCSeq: %d REGISTER\r\n"
            "Contact: <%s:ph%s@%s:%d;transport=%s>\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n"
            % (server, tr.upper(), PHONE, via_port, cseq, dn, dn, server, dn, server, callid, cseq,
               scheme, dn, PHONE, contact_port, tr)).encode()

def check_notify(head, body, action, callid, via_host):
    assert head.startswith(("NOTIFY sip:ph%s@" % dn, "NOTIFY sips:ph%s@" % dn)), head
    assert "\r\nEvent: service-control" in head, head
    assert "action=%s\r\n" % action in body, body
    assert "RegisterCallId={%s}" % callid in body, body
    hdrs = dict(l.split(": ", 1) for l in head.split("\r\n")[1:])
    assert (" %s;" % via_host) in hdrs["Via"], "Via names %s, not %s" % (hdrs["Via"], via_host)
    return hdrs

def ok_for(hdrs):
    return ("SIP/2.0 200 OK\r\nVia: %s\r\nFrom: %s\r\nTo: %s;tag=ph2\r\nCall-ID: %s\r\nCSeq: %s\r\n"
            "Content-Length: 0\r\n\r\n" % (hdrs["Via"], hdrs["From"], hdrs["To"], hdrs["Call-ID"],
                                           hdrs["CSeq"])).encode()

def client_tls():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c

if mode in ("tcp", "tls", "tcp-refused", "tls-silent"):
    tls = mode.startswith("tls")
    tr = "tls" if tls else "tcp"
    port = 5061 if tls else 5060
    # the phone's listener at its Contact (tcp-refused: bound, never listening → RST)
    lsn = socket.socket()
    lsn.bind((PHONE, 0))
    if mode != "tcp-refused":
        lsn.listen(4)
    lport = lsn.getsockname()[1]
    callid = "%s-1@ph" % mode
    s = socket.create_connection((server, port), 5, source_address=(PHONE, 0))
    if tls:
        s = client_tls().wrap_socket(s)
    s.settimeout(10)
    s.sendall(register(tr, lport, lport, callid, 1, "sips" if tls else "sip"))
    head, _ = read_msg(s)
    assert head.startswith("SIP/2.0 200"), head
    s.close()  # the phone closes its connection: serve must open one to the Contact
    say("registered contact %s:%d" % (PHONE, lport))
    if mode in ("tcp-refused", "tls-silent"):
        lsn.settimeout(15)
        if mode == "tls-silent":
            a, _ = lsn.accept()  # accept, then never answer the TLS handshake
            say("accepted")
        time.sleep(12)
        sys.exit(0)
    lsn.settimeout(15)
    a, peer = lsn.accept()
    assert peer[0] == server, "connection from %s, expected %s" % (peer, server)
    say("connection from %s:%d" % peer)
    if tls:
        sc = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        sc.load_cert_chain(data + "/sip-tls.crt", data + "/sip-tls.key")
        a = sc.wrap_socket(a, server_side=True)
    a.settimeout(10)
    head, body = read_msg(a)
    hdrs = check_notify(head, body, "reset", callid, "%s:%d" % (server, port))
    a.sendall(ok_for(hdrs))
    # the new connection is an ordinary one: the phone registers again on it
    a.sendall(register(tr, lport, lport, "%s-2@ph" % mode, 1, "sips" if tls else "sip"))
    head, _ = read_msg(a)
    assert head.startswith("SIP/2.0 200"), head
    say("reregistered on the new connection")
    # and the next NOTIFY goes on it (the binding now names it)
    head, body = read_msg(a)
    hdrs = check_notify(head, body, "restart", "%s-2@ph" % mode, "%s:%d" % (server, port))
    a.sendall(ok_for(hdrs))
    time.sleep(0.3)
    say("notified twice")
elif mode == "udp":
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((PHONE, 0))
    u.settimeout(10)
    p = u.getsockname()[1]
    callid = "udp-%s@ph" % dn
    u.sendto(register("udp", p, p, callid, 1), (server, 5060))
    data_, src = u.recvfrom(65535)
    assert data_.startswith(b"SIP/2.0 200") and src == (server, 5060), (data_[:40], src)
    say("registered")
    data_, src = u.recvfrom(65535)
    assert src == (server, 5060), "NOTIFY came from %s:%d, expected %s:5060" % (src + (server,))
    head, body = data_.decode().split("\r\n\r\n", 1)
    hdrs = check_notify(head, body, "reset", callid, "%s:5060" % server)
    u.sendto(ok_for(hdrs), src)
    say("notified from %s:%d" % src)
PY

# start the phone (mode, server address, DN) and wait until it registered
phone() {
	python3 phone.py "$1" "$2" "$3" "$D" >"phone-$3.out" 2>&1 &
	PIDS="$PIDS $!"
	eval "PP_$3=$!"
	for _ in $(seq 1 50); do grep -q registered "phone-$3.out" && return 0; sleep 0.1; done
	fail "phone $3 ($1) did not register: $(cat "phone-$3.out")"
}
# the device's state line once the registrar persisted it (persist_ms, 1 s by default)
show() {
	sleep 1.5
	"$DIALTONE" --data "$D" device show "$1" 2>&1
}

# --- TCP: the phone's connection is closed → a new connection to the Contact
phone tcp "$ADDR" 2591
out=$("$DIALTONE" --data "$D" device reset SEP00AABBCC0591 2>&1) || fail "TCP reset: $out"
echo "$out" | grep -q "new connection to $PHONE:[0-9]*/TCP" || fail "TCP reset said: $out"
for _ in $(seq 1 50); do grep -q reregistered phone-2591.out && break; sleep 0.1; done
grep -q "connection from $ADDR:" phone-2591.out || fail "phone 2591: $(cat phone-2591.out)"
out=$("$DIALTONE" --data "$D" device apply-config SEP00AABBCC0591 2>&1) || fail "TCP apply-config: $out"
echo "$out" | grep -q "on the phone's connection $PHONE:[0-9]*/TCP" || fail "not reused: $out"
wait "$PP_2591" || fail "TCP phone: $(cat phone-2591.out)"
grep -q "notified twice" phone-2591.out || fail "TCP phone: $(cat phone-2591.out)"

# --- TLS: the same over a TLS client connection
phone tls "$ADDR" 2593
out=$("$DIALTONE" --data "$D" device reset SEP00AABBCC0593 2>&1) || fail "TLS reset: $out"
echo "$out" | grep -q "new connection to $PHONE:[0-9]*/TLS" || fail "TLS reset said: $out"
for _ in $(seq 1 50); do grep -q reregistered phone-2593.out && break; sleep 0.1; done
out=$("$DIALTONE" --data "$D" device apply-config SEP00AABBCC0593 2>&1) || fail "TLS apply-config: $out"
echo "$out" | grep -q "on the phone's connection $PHONE:[0-9]*/TLS" || fail "TLS not reused: $out"
wait "$PP_2593" || fail "TLS phone: $(cat phone-2593.out)"
grep -q "notified twice" phone-2593.out || fail "TLS phone: $(cat phone-2593.out)"

# --- nothing listening at the Contact: failed, naming the address; serve keeps answering
phone tcp-refused "$ADDR" 2592
cport=$(sed -n 's/.*registered contact [0-9.]*:\([0-9]*\).*/\1/p' phone-2592.out)
out=$("$DIALTONE" --data "$D" device reset SEP00AABBCC0592 2>&1) && fail "reset to a dead Contact succeeded: $out"
echo "$out" | grep -q "connecting to $PHONE:$cport/TCP failed: Connection refused" ||
	fail "refused Contact reported as: $out"
show SEP00AABBCC0592 | grep -q "config=failed" || fail "no config=failed: $(show SEP00AABBCC0592)"

# --- a TLS peer that accepts and never answers: timed out within 5 s (+1 s tick), not blocking
phone tls-silent "$ADDR" 2594
cport=$(sed -n 's/.*registered contact [0-9.]*:\([0-9]*\).*/\1/p' phone-2594.out)
t0=$(date +%s)
"$DIALTONE" --data "$D" device reset SEP00AABBCC0594 >reset-2594.out 2>&1 &
RP=$!
PIDS="$PIDS $RP"
# while serve waits for that handshake, it answers others at once (the loop is not blocked)
for _ in $(seq 1 30); do grep -q accepted phone-2594.out && break; sleep 0.1; done
python3 - "$ADDR" <<'PY' || fail "serve did not answer OPTIONS while connecting"
import socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.59.2", 0))
u.settimeout(1)
u.sendto(("OPTIONS sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.59.2:%d;branch=z9hG4bKopt1\r\n"
          "From: <sip:probe@127.0.59.2>;tag=1\r\nTo: <sip:%s>\r\nCall-ID: opt-1@p\r\n"
          "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n" % (sys.argv[1], u.getsockname()[1],
                                                           sys.argv[1])).encode(), (sys.argv[1], 5060))
assert u.recvfrom(65535)[0].startswith(b"SIP/2.0 "), "no answer"
PY
wait "$RP" && fail "reset to a silent TLS peer succeeded: $(cat reset-2594.out)"
t1=$(date +%s)
grep -q "connecting to $PHONE:$cport/TLS failed: TLS handshake not done within 5 s" reset-2594.out ||
	fail "silent TLS peer reported as: $(cat reset-2594.out)"
[ $((t1 - t0)) -ge 4 ] && [ $((t1 - t0)) -le 9 ] || fail "timeout took $((t1 - t0)) s"
show SEP00AABBCC0594 | grep -q "config=failed" || fail "TLS: no config=failed"

# --- UDP: the NOTIFY leaves from the address the phone registered to
phone udp "$ADDR2" 2595
out=$("$DIALTONE" --data "$D" device reset SEP00AABBCC0595 2>&1) || fail "UDP reset: $out"
wait "$PP_2595" || fail "UDP phone (second address): $(cat phone-2595.out)"
echo "$out" | grep -q "NOTIFY sent from $ADDR2 to $PHONE:[0-9]*/UDP" || fail "UDP reset said: $out"
phone udp "$ADDR" 2596
out=$("$DIALTONE" --data "$D" device reset SEP00AABBCC0596 2>&1) || fail "UDP reset: $out"
wait "$PP_2596" || fail "UDP phone (first address): $(cat phone-2596.out)"

# serve is still up and answering after all of it
kill -0 "$SERVE_PID" 2>/dev/null || fail "serve died"
python3 -c "import socket; socket.create_connection(('$ADDR', 5060), 1).close()" ||
	fail "serve no longer accepts TCP"

# serve stopping while it connects: the waiting request fails with that reason, cleanly
phone tls-silent "$ADDR" 2594
"$DIALTONE" --data "$D" device reset SEP00AABBCC0594 >reset-stop.out 2>&1 &
RP=$!
PIDS="$PIDS $RP"
for _ in $(seq 1 30); do grep -q accepted phone-2594.out && break; sleep 0.1; done
stop_serve
wait "$RP" && fail "reset succeeded although serve stopped: $(cat reset-stop.out)"
grep -q "failed: serve stopped before the connection was up" reset-stop.out ||
	fail "stop while connecting reported as: $(cat reset-stop.out)"
grep -q "stopped cleanly" "$D/serve.log" || fail "serve did not stop cleanly"
echo "59-sip-notify-reconnect: ok"
