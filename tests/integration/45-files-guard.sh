#!/bin/sh
# summary: the provisioning guard over TFTP and HTTP: per-device files (SEP<MAC>.cnf.xml holds SIP
# passwords) only to clients in [files] allow; a source asking for too many unknown SEP names is
# rate-limited and logged, while shared files stay available. Needs: python3, curl.
ADDR=127.0.45.1
. "$(dirname "$0")/lib/files.sh"
need python3 python3
need curl curl
make_tree
add_phone
cat >"$D/dialtone.conf" <<CONF
[files]
allow = 127.0.45.2/32, 10.0.0.0/8
unknown_per_min = 3
CONF
start_serve
cd "$D" || exit 1
U="http://$ADDR:6970"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# HTTP: allowed source gets the file, another loopback source is refused; shared files for all.
[ "$(code --interface 127.0.45.2 "$U/SEP001122334455.cnf.xml")" = 200 ] || fail "allowed client"
[ "$(code --interface 127.0.45.3 "$U/SEP001122334455.cnf.xml")" = 403 ] || fail "guard over HTTP"
[ "$(code --interface 127.0.45.3 "$U/sepffffffffffff.cnf.xml")" = 403 ] ||
	fail "guard must refuse unknown SEP names too (no existence leak)"
[ "$(code --interface 127.0.45.3 "$U/SEPDefault6k.xml")" = 200 ] || fail "shared file refused"

python3 - "$ADDR" <<'PY' || fail "TFTP guard checks"
import socket, sys
addr = sys.argv[1]
def rrq(src, name):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((src, 0)); s.settimeout(2)
    s.sendto(b"\x00\x01" + name + b"\x00octet\x00", (addr, 69))
    d, _ = s.recvfrom(1000)
    return d[:4]
def check(c, what):
    if not c: print("FAIL:", what); sys.exit(1)
check(rrq("127.0.45.2", b"SEP001122334455.cnf.xml") == b"\x00\x03\x00\x01", "allowed TFTP client")
check(rrq("127.0.45.3", b"SEP001122334455.cnf.xml") == b"\x00\x05\x00\x02", "guard over TFTP: error 2")
# Four unknown SEP names from the allowed source: the fourth crosses unknown_per_min = 3 ...
for i in range(4):
    check(rrq("127.0.45.2", b"SEP00000000000%d.cnf.xml" % i) == b"\x00\x05\x00\x01", "unknown SEP: error 1")
# ... after which even its own file is refused for the rest of the minute, shared files are not.
check(rrq("127.0.45.2", b"SEP001122334455.cnf.xml") == b"\x00\x05\x00\x02", "rate-limited source")
check(rrq("127.0.45.2", b"SEPDefault6k.xml") == b"\x00\x03\x00\x01", "shared file while limited")
print("tftp guard ok")
PY
[ "$(code --interface 127.0.45.2 "$U/SEP001122334455.cnf.xml")" = 429 ] || fail "HTTP while limited"
grep -q 'WARN  files SEP000000000003 client 127.0.45.2 asked for more than 3 unknown SEP names' serve.log ||
	fail "rate-limit warning not logged"
grep -q 'refused client=127.0.45.3:.*detail=per-device file: client not in \[files\] allow' serve.log ||
	fail "guard refusal not traced"
echo "45-files-guard: ok"
