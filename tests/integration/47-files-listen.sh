#!/bin/sh
# summary: the file service on every [server] listen address: `serve --listen A,B` answers TFTP
# (tftp-hpa, curl, and a raw RRQ whose DATA must come back from the address it was sent to) and
# HTTP 6970 (curl, keep-alive) on both addresses, byte-identical, and the stats count both.
# Needs: curl, python3; tftp-hpa's tftp when installed.
ADDR=127.0.47.1
ADDR2=127.0.47.2
. "$(dirname "$0")/lib/files.sh"
need curl curl
need python3 python3
make_tree
add_phone
start_serve --listen "$ADDR,$ADDR2"
cd "$D" || exit 1
for a in $ADDR $ADDR2; do
	curl -sf -o "h-$a" "http://$a:6970/SEPDefault6k.xml" || fail "HTTP on $a"
	cmp -s "h-$a" "$T/SEPDefault6k.xml" || fail "HTTP bytes differ on $a"
	curl -sf -o "c-$a" "http://$a:6970/SEP001122334455.cnf.xml" || fail "HTTP config on $a"
	curl -sf -o "t-$a" "tftp://$a/firmware/sip88xx.14-2-1-0001-14.loads" || fail "curl TFTP on $a"
	cmp -s "t-$a" "$T/firmware/sip88xx.14-2-1-0001-14.loads" || fail "TFTP bytes differ on $a"
	if command -v tftp >/dev/null 2>&1; then
		tftp "$a" -m octet -c get blocks4.bin "b-$a" || fail "tftp-hpa on $a"
		cmp -s "b-$a" "$T/blocks4.bin" || fail "tftp-hpa bytes differ on $a"
	fi
done
cmp -s "c-$ADDR" "c-$ADDR2" || fail "the two addresses serve different configs"
# Two requests on one keep-alive connection to the second address (the handed-over socket).
curl -sf -o k1 -o k2 "http://$ADDR2:6970/SEPDefault6k.xml" "http://$ADDR2:6970/blocks4.bin" \
	-w '%{num_connects}\n' >conns || fail "keep-alive on $ADDR2"
[ "$(tr -d '\n' <conns)" = 10 ] || fail "keep-alive: connections $(tr '\n' ' ' <conns)"
python3 - "$ADDR" "$ADDR2" <<'PY' || fail "TFTP reply address"
import socket, sys
for addr in sys.argv[1:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.47.9", 0)); s.settimeout(2)
    s.sendto(b"\x00\x01SEPDefault6k.xml\x00octet\x00", (addr, 69))
    d, src = s.recvfrom(1024)
    if d[:4] != b"\x00\x03\x00\x01" or src[0] != addr:
        print("FAIL: RRQ to %s answered from %s with %r" % (addr, src, d[:4])); sys.exit(1)
    s.sendto(b"\x00\x04\x00\x01", src)
print("tftp reply addresses ok")
PY
grep -q "http - listening on $ADDR2 port 6970" serve.log || fail "no http line for $ADDR2"
grep -q "tftp - listening on $ADDR2 port 69" serve.log || fail "no tftp line for $ADDR2"
grep -q "http - sent client=127.0.0.1:.*SEPDefault6k.xml" serve.log || fail "HTTP trace"
echo "47-files-listen: ok"
