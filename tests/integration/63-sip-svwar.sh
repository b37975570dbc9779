#!/bin/sh
# summary: with digest on, sipvicious svwar cannot tell the real extensions (3301, 3305) from
# unknown ones in 3295-3315: every REGISTER is challenged alike, so it finds nothing, with or
# without --force. Needs: svwar (sipvicious).
ADDR=127.0.63.1
. "$(dirname "$0")/lib/sip.sh"
need svwar sipvicious
cd "$D" || exit 1
add_phone 00AABBCC0301 3301 s3cret authenticated
add_phone 00AABBCC0305 3305 s3cret authenticated
start_serve --log-level info
svwar -b 127.0.63.2 -P 5070 -e3295-3315 -m REGISTER "$ADDR" >sv1.out 2>&1
grep -q "found nothing" sv1.out || fail "svwar found something: $(cat sv1.out)"
svwar --force -b 127.0.63.2 -P 5071 -e3295-3315 -m REGISTER "$ADDR" >sv2.out 2>&1
grep -q "found nothing" sv2.out || fail "svwar --force found something: $(cat sv2.out)"
if grep -Eq "\| *33(01|05) *\|" sv1.out sv2.out; then fail "a real extension was listed"; fi
# and the answers themselves are the same for a real and an unknown extension
python3 - "$ADDR" <<'PY' || fail "answers differ"
import socket, sys, re
addr = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.63.2", 5072))
s.settimeout(3)
def shape(ext):
    m = ("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.63.2:5072;branch=z9hG4bK%s\r\n"
         "From: <sip:%s@%s>;tag=1\r\nTo: <sip:%s@%s>\r\nCall-ID: e%s@t\r\nCSeq: 1 REGISTER\r\n"
         "Contact: <sip:%s@127.0.63.2:5072>\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n"
         % (addr, ext, ext, addr, ext, addr, ext, ext)).encode()
    s.sendto(m, (addr, 5060))
    r = s.recv(4096).decode()
    # drop what must differ per request: tags, nonces, branch/Call-ID echoes
    r = re.sub(r'(tag|nonce|branch)=("?)[^;,"\r]*', r'\1=\2X', r)
    return re.sub(r'(Call-ID: |sip:)[^@\r]*', r'\1X', r)
if shape("3301") != shape("3399"):
    sys.exit("real and unknown extension answered differently")
PY
echo "63-sip-svwar: ok"
