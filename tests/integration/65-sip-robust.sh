#!/bin/sh
# summary: bad input and abuse over UDP and TCP: CRLF keep-alive pong, pipelined and split
# messages, malformed requests answered 400 naming the fault (closed when framing is lost), an over-long header
# closed, UDP retransmissions answered from the transaction cache (same bytes), a flood of unknown
# AORs answered 404 without memory growth, the connection bound, and a slow sender closed.
# Needs: python3.
ADDR=127.0.65.1
. "$(dirname "$0")/lib/sip.sh"
cd "$D" || exit 1
add_phone 00AABBCC0501 2501 pw2501
printf '[sip]\nmax_connections = 4\nmax_message = 8192\n' >dialtone.conf
CONF=$D/dialtone.conf
start_serve --log-level info
python3 - "$ADDR" "$SERVE_PID" <<'PY' || fail "robustness"
import socket, sys, time
addr, pid = sys.argv[1], sys.argv[2]
def reg(cseq, extra="", aor="2501", branch=None, via="TCP", port=5099):
    return ("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/%s 127.0.65.2:%d;branch=z9hG4bK%s\r\n"
            "From: <sip:%s@%s>;tag=1\r\nTo: <sip:%s@%s>\r\nCall-ID: rb-%s@t\r\n"
            "CSeq: %d REGISTER\r\nContact: <sip:%s@127.0.65.2:%d>\r\nExpires: 3600\r\n%s"
            "Content-Length: 0\r\n\r\n" % (addr, via, port, branch or cseq, aor, addr, aor, addr,
                                           aor, cseq, aor, port, extra)).encode()
def tcp():
    s = socket.create_connection((addr, 5060), 3, source_address=("127.0.65.2", 0))
    s.settimeout(3)
    return s
def responses(s, n):
    buf = b""
    while buf.count(b"\r\n\r\n") < n:
        c = s.recv(65536)
        if not c:
            break
        buf += c
    return buf
def closed(s, within):
    s.settimeout(within)
    try:
        while True:
            c = s.recv(65536)
            if not c:
                return True
    except ConnectionResetError:
        return True  # closed with unread bytes pending: RST
    except socket.timeout:
        return False
# keep-alive pong, pipelining, split writes
s = tcp()
s.sendall(b"\r\n\r\n")
assert s.recv(2) == b"\r\n", "no pong"
s.sendall(reg(1) + reg(2))
r = responses(s, 2)
assert r.count(b"SIP/2.0 200 OK") == 2, r
m = reg(3)
for part in (m[:10], m[10:100], m[100:]):
    s.sendall(part)
    time.sleep(0.2)
assert responses(s, 1).startswith(b"SIP/2.0 200 OK")
# malformed value, framing intact: a 400 that names the fault, and the connection goes on
s.sendall(reg(4).replace(b"CSeq: 4 REGISTER", b"CSeq: 99999999999 REGISTER"))
r = responses(s, 1)
assert r.startswith(b"SIP/2.0 400 Bad CSeq"), r[:60]
s.sendall(reg(5))
assert responses(s, 1).startswith(b"SIP/2.0 200 OK")
# framing lost (negative Content-Length): the 400, then the connection closes
s.sendall(reg(6).replace(b"Content-Length: 0", b"Content-Length: -5"))
r = responses(s, 1)
assert r.startswith(b"SIP/2.0 400 Bad Content-Length"), r[:60]
assert closed(s, 3), "not closed after framing was lost"
# over-long header (max_message 8192): closed
s = tcp()
s.sendall(b"REGISTER sip:x SIP/2.0\r\nX-Junk: " + b"a" * 20000)
assert closed(s, 3), "over-long message not closed"
# UDP retransmission: same request twice → the same bytes (same To tag)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.65.2", 5098))
u.settimeout(3)
m = reg(10, via="UDP", port=5098, branch="rtx1")
u.sendto(m, (addr, 5060)); a = u.recv(4096)
u.sendto(m, (addr, 5060)); b = u.recv(4096)
assert a == b and a.startswith(b"SIP/2.0 200"), (a[:40], b[:40])
# flood of unknown AORs: all 404, memory stays put
def rss():
    for l in open("/proc/%s/status" % pid):
        if l.startswith("VmRSS:"):
            return int(l.split()[1])
before = rss()
for i in range(3000):
    u.sendto(reg(i + 1, via="UDP", port=5098, aor="9%05d" % i, branch="f%d" % i), (addr, 5060))
    r = u.recv(4096)
    assert r.startswith(b"SIP/2.0 404"), r[:40]
grown = rss() - before
assert grown < 12000, "RSS grew %d KiB" % grown
# connection bound: 4 allowed, the 5th is closed at once
conns = [tcp() for _ in range(4)]
extra = tcp()
assert closed(extra, 2), "5th connection accepted"
for c in conns:
    c.close()
# slow sender: an unfinished message is dropped after 30 s
time.sleep(0.5)
s = tcp()
s.sendall(b"REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n")
t0 = time.time()
assert closed(s, 40), "slow sender never closed"
assert 29 <= time.time() - t0 <= 40, time.time() - t0
PY
grep -q "connection limit 4 reached" "$D/serve.log" || fail "limit not logged"
grep -q "malformed message from 127.0.65.2" "$D/serve.log" || fail "malformed not logged"
grep -q "unfinished after 30s" "$D/serve.log" || fail "slow sender not logged"
# the flood of 3,000 unknown AORs is summed up, not logged line by line
n=$(grep -c "answered 404" "$D/serve.log")
[ "$n" -lt 600 ] || fail "$n lines for the 404 flood"
grep -q "more rejected or malformed requests not logged" "$D/serve.log" || fail "no suppression line"
echo "65-sip-robust: ok"
