#!/bin/sh
# summary: the RFC 4475 torture messages sent to the running registrar over UDP: every invalid
# request is answered with the status and reason phrase in tests/vectors/sip/VECTORS (a 400 that
# names the fault, 505 for the version), invalid responses get no answer, and two semantic cases
# get 416 (unknown Request-URI scheme) and 420 with Unsupported (unknown Require). Needs: python3.
ADDR=127.0.67.1
. "$(dirname "$0")/lib/sip.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$D" || exit 1
start_serve --log-level info
python3 - "$ADDR" "$ROOT" <<'PY' || fail "torture"
import socket, sys, os
addr, root = sys.argv[1], sys.argv[2]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.67.2", 5090))
def answer(path):
    data = open(os.path.join(root, path), "rb").read()
    u.sendto(data, (addr, 5060))
    u.settimeout(1.0)
    try:
        return u.recv(65536)
    except socket.timeout:
        return None
checked = 0
for line in open(os.path.join(root, "tests/vectors/sip/VECTORS")):
    if line.startswith("#") or "rfc4475" not in line:
        continue
    name, path, want = line.rstrip("\n").split(",", 2)
    if not want.startswith("invalid"):
        continue
    first = open(os.path.join(root, path), "rb").read().split(b"\r\n", 1)[0]
    got = answer(path)
    if first.startswith(b"SIP/2.0"):
        assert got is None, "%s: a response was answered: %r" % (name, got[:50])
    else:
        expect = "SIP/2.0 " + want.split(" ", 1)[1]
        assert got is not None, "%s: no answer" % name
        status = got.split(b"\r\n", 1)[0].decode()
        assert status == expect, "%s: got %r, want %r" % (name, status, expect)
    checked += 1
for path, expect in (("../shared/real-world/sip/rfc4475/unkscm.dat", b"SIP/2.0 416 "),
                     ("../shared/real-world/sip/rfc4475/bext01.dat", b"SIP/2.0 420 ")):
    got = answer(path)
    assert got and got.startswith(expect), "%s: %r" % (path, got[:60] if got else None)
    if expect.endswith(b"420 "):
        assert b"\r\nUnsupported: " in got, got
assert checked >= 20, checked
print("checked", checked)
PY
echo "67-sip-torture: ok"
