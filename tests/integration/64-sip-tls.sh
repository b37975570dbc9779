#!/bin/sh
# summary: SIP over TLS on 5061: a self-signed certificate is created in the data directory on
# first run (key 0600), a TLS client registers a line and gets 200, and the device's state
# records transport TLS. Needs: python3 (ssl module), openssl.
ADDR=127.0.64.1
. "$(dirname "$0")/lib/sip.sh"
need openssl openssl
cd "$D" || exit 1
add_phone 00AABBCC0401 2401 pw2401
start_serve --log-level info
[ -s "$D/sip-tls.crt" ] && [ -s "$D/sip-tls.key" ] || fail "no certificate created in $D"
[ "$(stat -c %a "$D/sip-tls.key")" = 600 ] || fail "key is not 0600"
openssl x509 -in "$D/sip-tls.crt" -noout -subject >subj.txt 2>&1 || fail "bad certificate"
python3 - "$ADDR" <<'PY' || fail "TLS register"
import socket, ssl, sys
addr = sys.argv[1]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
raw = socket.create_connection((addr, 5061), 5, source_address=("127.0.64.2", 0))
port = raw.getsockname()[1]
s = ctx.wrap_socket(raw)
msg = ("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.64.2:%d;branch=z9hG4bKtls1\r\n"
       "From: <sip:2401@%s>;tag=1\r\nTo: <sip:2401@%s>\r\nCall-ID: tls1@t\r\nCSeq: 1 REGISTER\r\n"
       "Contact: <sips:2401@127.0.64.2:%d;transport=tls>\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n"
       % (addr, port, addr, addr, port)).encode()
s.sendall(msg)
r = b""
while b"\r\n\r\n" not in r:
    chunk = s.recv(4096)
    if not chunk:
        break
    r += chunk
if not r.startswith(b"SIP/2.0 200 OK"):
    sys.exit("got %r" % r[:80])
# RFC 5626 keep-alive over TLS: CRLFCRLF ping → CRLF pong
s.sendall(b"\r\n\r\n")
if s.recv(16) != b"\r\n":
    sys.exit("no pong over TLS")
PY
grep -q "registered 2401 from 127.0.64.2:[0-9]*/TLS" "$D/serve.log" || fail "no TLS registration logged"
sleep 1.5
stop_serve
out=$("$DIALTONE" --data "$D" device history SEP00AABBCC0401 2>&1)
echo "$out" | grep -q "register .*TLS" || fail "history: $out"
echo "64-sip-tls: ok"
