#!/bin/sh
# summary: TCP idle timeout ([sip] tcp_idle_s = 2): a silent connection is closed after ~2 s; one
# that sends RFC 5626 CRLFCRLF keep-alives every second stays open and gets its pongs. Needs: python3.
ADDR=127.0.68.1
. "$(dirname "$0")/lib/sip.sh"
cd "$D" || exit 1
printf '[sip]\ntcp_idle_s = 2\n' >dialtone.conf
CONF=$D/dialtone.conf
start_serve --log-level debug
python3 - "$ADDR" <<'PY' || fail "idle timeout"
import socket, sys, time
addr = sys.argv[1]
quiet = socket.create_connection((addr, 5060), 3, source_address=("127.0.68.2", 0))
alive = socket.create_connection((addr, 5060), 3, source_address=("127.0.68.2", 0))
t0 = time.time()
for _ in range(5):
    alive.sendall(b"\r\n\r\n")
    assert alive.recv(2) == b"\r\n", "no pong"
    time.sleep(1)
quiet.settimeout(3)
assert quiet.recv(1) == b"", "silent connection still open after %.1f s" % (time.time() - t0)
alive.sendall(b"\r\n\r\n")
assert alive.recv(2) == b"\r\n", "keep-alive connection closed"
PY
grep -q "idle, closed" "$D/serve.log" || fail "idle close not logged"
echo "68-sip-idle: ok"
