#!/bin/sh
# summary: [files] require_lease end to end in one `dialtone serve` (dhcp, tftp, http): a phone's
# SEP<MAC>.cnf.xml is served over HTTP 6970 and TFTP only to the address our DHCP server leased to
# that MAC (DORA through a relay, python3), not before the lease, not to another address, not for
# another phone's MAC, and no longer after DHCPRELEASE; shared files stay open to everyone.
# Needs: root (ip netns), curl, python3.
N=46
. "$(dirname "$0")/lib/dhcp.sh"
need curl curl
need python3 python3
make_loop_ns
SRV=127.0.$N.1
GI=10.$N.0.1 # the relay's address (giaddr) selects the subnet
nsx ip addr add $GI/32 dev lo
S=SEP001122334455
cat >"$D/dialtone.conf" <<CONF
[files]
require_lease = true
CONF
dt device add --mac 00:11:22:33:44:55 --model 8851 >/dev/null || fail "device add"
dt device add --mac 00:11:22:33:44:66 --model 8851 >/dev/null || fail "device add 2"
dt dhcp subnet add 10.$N.0.0/24 --pool 10.$N.0.10-10.$N.0.20 --router $GI --lease-time 600 \
	>/dev/null || fail "subnet add"
nsx "$DIALTONE" --data "$D" serve --only dhcp,tftp,http --listen $SRV --dhcp-port 67 \
	--tftp-port 69 --http-port 6970 --log-file "$D/serve.log" >"$D/serve.out" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 100); do
	grep -q "serve - ready" "$D/serve.log" 2>/dev/null && break
	kill -0 $SERVE_PID 2>/dev/null || { cat "$D/serve.out"; fail "serve exited at start"; }
	sleep 0.05
done
grep -q "serve - ready" "$D/serve.log" || fail "serve not ready"

# dhcp.py dora MAC → prints the leased address; dhcp.py release MAC IP.
cat >"$D/dhcp.py" <<'PY'
import os, socket, struct, sys
SRV, GI = os.environ["SRV"], os.environ["GI"]
def pkt(mtype, mac, ciaddr="0.0.0.0", giaddr="0.0.0.0", opts=b""):
    chaddr = bytes.fromhex(mac.replace(":", "")) + bytes(10)
    h = struct.pack("!BBBBIHH4s4s4s4s16s", 1, 1, 6, 1 if giaddr != "0.0.0.0" else 0,
                    0x46464646, 0, 0, socket.inet_aton(ciaddr), bytes(4), bytes(4),
                    socket.inet_aton(giaddr), chaddr)
    return h + bytes(192) + b"\x63\x82\x53\x63" + bytes([53, 1, mtype]) + opts + b"\xff"
def opt(body, code):
    i = 240
    while i < len(body) and body[i] != 255:
        if body[i] == 0: i += 1; continue
        if body[i] == code: return body[i + 2:i + 2 + body[i + 1]]
        i += 2 + body[i + 1]
    return None
def relay(p):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((GI, 67)); s.settimeout(2)
    s.sendto(p, (SRV, 67))
    r, _ = s.recvfrom(2048); s.close()
    return r
if sys.argv[1] == "dora":
    mac = sys.argv[2]
    offer = relay(pkt(1, mac, giaddr=GI, opts=b"\x37\x03\x01\x03\x96"))
    assert opt(offer, 53) == b"\x02", "no OFFER"
    yi, sid = offer[16:20], opt(offer, 54)
    ack = relay(pkt(3, mac, giaddr=GI, opts=b"\x32\x04" + yi + b"\x36\x04" + sid))
    assert opt(ack, 53) == b"\x05", "no ACK"
    print(socket.inet_ntoa(yi))
else:
    mac, ip = sys.argv[2], sys.argv[3]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ip, 68))
    s.sendto(pkt(7, mac, ciaddr=ip, opts=b"\x36\x04" + socket.inet_aton(SRV)), (SRV, 67))
PY
# tftp.py SRC NAME → "data" when the first block came, "error N" otherwise.
cat >"$D/tftp.py" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((sys.argv[1], 0)); s.settimeout(2)
s.sendto(b"\x00\x01" + sys.argv[2].encode() + b"\x00octet\x00", (os.environ["SRV"], 69))
d, _ = s.recvfrom(1024)
print("data" if d[:2] == b"\x00\x03" else "error %d" % d[3])
PY
export SRV GI
code() { nsx curl -s -o /dev/null -w '%{http_code}' --interface "$1" "http://$SRV:6970/$2"; }

# Before any lease: an address of the subnet is refused its phone's file, shared files are not.
nsx ip addr add 10.$N.0.20/32 dev lo
[ "$(code 10.$N.0.20 $S.cnf.xml)" = 403 ] || fail "file served without a lease"
[ "$(code 10.$N.0.20 XMLDefault.cnf.xml)" = 200 ] || fail "shared file refused"

# DORA for the phone's MAC through the relay; the leased address gets its file at once.
IP=$(nsx python3 "$D/dhcp.py" dora 00:11:22:33:44:55) || fail "DORA"
[ -n "$IP" ] && [ "$IP" != 10.$N.0.20 ] || fail "unexpected lease '$IP'"
nsx ip addr add "$IP/32" dev lo
[ "$(code "$IP" $S.cnf.xml)" = 200 ] || fail "leased phone refused over HTTP"
[ "$(code "$IP" sep001122334455.CNF.xml)" = 200 ] || fail "case-insensitive name refused"
[ "$(nsx python3 "$D/tftp.py" "$IP" $S.cnf.xml)" = data ] || fail "leased phone refused over TFTP"
# Another phone's file from that address, and the phone's file from another address: refused.
[ "$(code "$IP" SEP001122334466.cnf.xml)" = 403 ] || fail "another MAC's file served"
[ "$(code 10.$N.0.20 $S.cnf.xml)" = 403 ] || fail "file served to an address without the lease"
[ "$(nsx python3 "$D/tftp.py" 10.$N.0.20 $S.cnf.xml)" = "error 2" ] || fail "TFTP guard"
grep -q "refused client=10.$N.0.20:.*detail=per-device file: client holds no DHCP lease" \
	"$D/serve.log" || fail "refusal not traced"

# DHCPRELEASE: the address no longer holds the lease.
nsx python3 "$D/dhcp.py" release 00:11:22:33:44:55 "$IP" || fail "release"
ok=
for _ in $(seq 1 100); do
	[ "$(code "$IP" $S.cnf.xml)" = 403 ] && { ok=1; break; }
	sleep 0.02
done
[ -n "$ok" ] || fail "file still served after DHCPRELEASE"
echo "46-files-lease: ok"
