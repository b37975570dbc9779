#!/bin/sh
# summary: `serve --listen A,B` binds the registrar at every address: sipp registers over UDP and
# TCP at the second address, and a raw client checks UDP answers come from the address asked
# (both addresses), TCP and TLS on 5061 at the second one. Needs: sipp (sip-tester), python3.
ADDR=127.0.69.1
ADDR2=127.0.69.2
. "$(dirname "$0")/lib/sip.sh"
need sipp sip-tester
cd "$D" || exit 1
add_phone 00AABBCC0691 2691 pw2691
add_phone 00AABBCC0692 2692 pw2692
printf 'SEQUENTIAL\n2692;x;x\n' >second.csv
start_serve --log-level info --listen "$ADDR,$ADDR2"
grep -q "registrar on $ADDR,$ADDR2 " "$D/serve.log" || fail "not listening on both: $(grep registrar "$D/serve.log")"

# a real client at the second address, UDP and TCP
sipp -sf "$SCEN/register.xml" -inf second.csv -m 1 -t u1 -i 127.0.69.3 -p 5091 \
	-timeout 10 "$ADDR2:5060" >sipp-udp.out 2>&1 </dev/null || fail "sipp UDP to $ADDR2: $(tail -n 5 sipp-udp.out)"
sipp -sf "$SCEN/register.xml" -inf second.csv -m 1 -t t1 -i 127.0.69.3 -p 5092 \
	-timeout 10 "$ADDR2:5060" >sipp-tcp.out 2>&1 </dev/null || fail "sipp TCP to $ADDR2: $(tail -n 5 sipp-tcp.out)"
grep -q "registered 2692 from 127.0.69.3:5091/UDP" "$D/serve.log" || fail "no UDP registration at $ADDR2"
grep -q "registered 2692 from 127.0.69.3:5092/TCP" "$D/serve.log" || fail "no TCP registration at $ADDR2"

python3 - "$ADDR" "$ADDR2" <<'PY' || fail "raw clients"
import socket, ssl, sys
a1, a2 = sys.argv[1], sys.argv[2]

def register(dn, server, transport, port):
    return ("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/%s 127.0.69.3:%d;branch=z9hG4bK%s%s\r\n"
            "From: <sip:%s@%s>;tag=1\r\nTo: <sip:%s@%s>\r\nCall-ID: %s-%s@t\r\nCSeq: 1 REGISTER\r\n"
            "Contact: <sip:%s@127.0.69.3:%d;transport=%s>\r\nExpires: 3600\r\n"
            "Content-Length: 0\r\n\r\n" % (server, transport, port, transport, server, dn, server,
                                          dn, server, transport, server, dn, port,
                                          transport.lower())).encode()

# UDP at each address: the answer must come from the address the request went to
for server, dn in ((a1, "2691"), (a2, "2692")):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.69.3", 0))
    u.settimeout(5)
    u.sendto(register(dn, server, "UDP", u.getsockname()[1]), (server, 5060))
    data, src = u.recvfrom(65535)
    if not data.startswith(b"SIP/2.0 200 OK"):
        sys.exit("UDP %s: got %r" % (server, data[:60]))
    if src[0] != server:
        sys.exit("UDP answer to %s came from %s" % (server, src[0]))
    u.close()

def stream_register(sock, dn, server, transport):
    sock.sendall(register(dn, server, transport, sock.getsockname()[1]))
    r = b""
    while b"\r\n\r\n" not in r:
        chunk = sock.recv(4096)
        if not chunk:
            break
        r += chunk
    if not r.startswith(b"SIP/2.0 200 OK"):
        sys.exit("%s %s: got %r" % (transport, server, r[:60]))

t = socket.create_connection((a2, 5060), 5, source_address=("127.0.69.3", 0))
stream_register(t, "2692", a2, "TCP")
t.close()
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
raw = socket.create_connection((a2, 5061), 5, source_address=("127.0.69.3", 0))
s = ctx.wrap_socket(raw)
stream_register(s, "2692", a2, "TLS")
s.close()
PY
grep -q "registered 2692 from 127.0.69.3:[0-9]*/TLS" "$D/serve.log" || fail "no TLS registration at $ADDR2"
stop_serve

# an address that cannot be bound is an error naming it, not a half-started registrar
"$DIALTONE" --data "$D" serve --only sip --listen "$ADDR,192.0.2.69" --log-file "$D/bad.log" \
	>bad.out 2>&1 &
BAD=$!
PIDS="$BAD"
for _ in $(seq 1 50); do kill -0 "$BAD" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$BAD" 2>/dev/null; then fail "serve kept running with an unbindable address"; fi
wait "$BAD"
[ $? -ne 0 ] || fail "serve exited 0 with an unbindable address"
grep -q "192.0.2.69" bad.out "$D/bad.log" 2>/dev/null || fail "error does not name the address: $(cat bad.out)"
echo "69-sip-listen: ok"
