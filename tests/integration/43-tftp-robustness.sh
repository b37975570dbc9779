#!/bin/sh
# summary: TFTP bad input and protocol edge cases from a raw UDP client (python3): malformed and
# unknown packets, over-long and NUL names, unknown TID (error 5), duplicate ACKs without the
# Sorcerer's Apprentice, bounded retransmission of a half-open transfer, the data port range, an
# ACK flood; serve stays up and keeps serving. Needs: python3, curl.
ADDR=127.0.43.1
. "$(dirname "$0")/lib/files.sh"
need python3 python3
need curl curl
make_tree
cat >"$D/dialtone.conf" <<CONF
[tftp]
timeout_ms = 200
retries = 2
data_port_min = 41000
data_port_max = 41003
CONF
start_serve
cd "$D" || exit 1
python3 - "$ADDR" <<'PY' || fail "raw client checks"
import socket, struct, sys, time
addr = sys.argv[1]
def sock():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 0)); s.settimeout(2)
    return s
def rrq(name, mode=b"octet", opts=b""):
    return b"\x00\x01" + name + b"\x00" + mode + b"\x00" + opts
def recv(s, t=2):
    s.settimeout(t)
    try: return s.recvfrom(70000)
    except socket.timeout: return None, None
def check(cond, what):
    if not cond:
        print("FAIL:", what); sys.exit(1)

# Malformed requests get error 4; stray packets on port 69 get nothing.
for bad, what in [(b"\x00\x01file", "no NUL"), (b"\x00\x01\x00octet\x00", "empty name"),
                  (b"\x00\x01f\x00binary\x00", "bad mode"), (b"\x00\x01f\x00octet\x00blksize", "opt w/o value")]:
    s = sock(); s.sendto(bad, (addr, 69)); d, _ = recv(s)
    check(d and d[:4] == b"\x00\x05\x00\x04", "malformed request (%s) -> error 4, got %r" % (what, d))
for stray in [b"\x00\x04\x00\x01", b"\x00\x09abc", b"\x00", b"\x00\x05\x00\x01x\x00"]:
    s = sock(); s.sendto(stray, (addr, 69)); d, _ = recv(s, 0.5)
    check(d is None, "stray %r on port 69 answered %r" % (stray, d))
# Over-long name, NUL/control bytes.
s = sock(); s.sendto(rrq(b"A" * 600), (addr, 69)); d, _ = recv(s)
check(d and d[:2] == b"\x00\x05", "over-long name -> error")
s = sock(); s.sendto(rrq(b"SEPDefault6k.xml\x01"), (addr, 69)); d, _ = recv(s)
check(d and d[:4] == b"\x00\x05\x00\x02", "control byte -> error 2, got %r" % d)
# Out-of-range options are ignored (no OACK for them): DATA 1 at 512 comes straight.
s = sock(); s.sendto(rrq(b"SEPDefault6k.xml", opts=b"blksize\x000\x00windowsize\x0099999999\x00"), (addr, 69))
d, srv = recv(s)
check(d and d[:4] == b"\x00\x03\x00\x01" and len(d) == 516, "bad options ignored -> DATA 1/512, got %r" % d[:8])
check(41000 <= srv[1] <= 41003, "data port %d outside [tftp] data_port_min..max" % srv[1])
s.sendto(b"\x00\x05\x00\x00bye\x00", srv)  # abort politely
# Unknown TID: a packet to the data port from another client port gets error 5, and the
# real transfer is not disturbed.
s = sock(); s.sendto(rrq(b"SEPDefault6k.xml"), (addr, 69)); d, srv = recv(s)
check(d and d[:4] == b"\x00\x03\x00\x01", "DATA 1")
intruder = sock(); intruder.sendto(b"\x00\x04\x00\x01", srv); e, _ = recv(intruder)
check(e and e[:4] == b"\x00\x05\x00\x05", "unknown TID -> error 5, got %r" % e)
# Duplicate ACKs: each ACK sent twice, yet each DATA block arrives once (no Sorcerer's Apprentice).
got = {}
blk = 1
while True:
    got[blk] = got.get(blk, 0) + 1
    s.sendto(struct.pack(">HH", 4, blk), srv); s.sendto(struct.pack(">HH", 4, blk), srv)
    if len(d) < 516: break
    d, _ = recv(s)
    check(d is not None, "transfer stalled at block %d" % blk)
    blk = struct.unpack(">H", d[2:4])[0]
d2, _ = recv(s, 0.6)
check(d2 is None or d2[:2] != b"\x00\x03", "extra DATA after duplicate ACKs: %r" % (d2 or b"")[:4])
check(all(v == 1 for v in got.values()) and len(got) == 13, "blocks seen %r" % got)
# Half-open: RRQ and silence. Expect the first DATA plus exactly `retries` (2) resends, then none.
s = sock(); s.sendto(rrq(b"blocks4.bin"), (addr, 69))
n = 0; t0 = time.time()
while time.time() - t0 < 3:
    d, _ = recv(s, 0.3)
    if d: n += 1
check(n == 3, "half-open transfer: %d DATA sent, want 1 + 2 retries" % n)
# ACK flood on a live transfer: stays bounded and the transfer still completes.
s = sock(); s.sendto(rrq(b"blocks4.bin"), (addr, 69)); d, srv = recv(s)
for _ in range(2000):
    s.sendto(b"\x00\x04\x00\x00", srv)
blk = 1
while len(d) == 516:
    s.sendto(struct.pack(">HH", 4, blk), srv)
    while True:
        d, _ = recv(s)
        check(d is not None, "flooded transfer stalled")
        if d[:2] == b"\x00\x03" and struct.unpack(">H", d[2:4])[0] == blk + 1: break
    blk += 1
s.sendto(struct.pack(">HH", 4, blk), srv)
check(blk == 5, "flooded transfer ended at block %d" % blk)
print("raw checks ok")
PY
grep -q 'timeout client=.*file="blocks4.bin"' serve.log || fail "no timeout trace for half-open"
grep -q 'client error client=.*detail=code 0' serve.log || fail "no trace for client abort"
curl -sf -o ok.bin "tftp://$ADDR/SEPDefault6k.xml" || fail "serve no longer serves"
cmp -s ok.bin tftpboot/SEPDefault6k.xml || fail "served bytes differ after abuse"
kill -0 "$SERVE_PID" || fail "serve died"
echo "43-tftp-robustness: ok"
