#!/bin/sh
# summary: HTTP 6970 with curl against `dialtone serve --only tftp,http`: GET/HEAD byte-identical
# (generated and static), 404 for missing and CTL/ITL, query strings ignored, Range (206/416),
# ETag + If-None-Match (304), Cache-Control: no-store, keep-alive reuse, traversal refused, and a
# database change served on the next request (new bytes, new ETag) over HTTP and TFTP.
ADDR=127.0.41.1
. "$(dirname "$0")/lib/files.sh"
need curl curl
make_tree
add_phone
start_serve
cd "$D" || exit 1
U="http://$ADDR:6970"
"$DIALTONE" --data "$D" files show SEP001122334455.cnf.xml >want-sep.xml 2>/dev/null ||
	fail "files show"

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
same() { cmp -s "$1" "$2" || fail "$3: $1 differs from $2"; }

curl -sf -o h1 "$U/SEP001122334455.cnf.xml" || fail "GET generated"
same h1 want-sep.xml "GET generated"
curl -sf -o h2 "$U/sep001122334455.cnf.xml?locale=English_United_States&name=SEP001122334455" ||
	fail "GET with query string"
same h2 want-sep.xml "query string ignored, any case"
curl -sf -o h3 "$U/sip88xx.14-2-1-0001-14.loads" || fail "GET firmware"
same h3 tftpboot/firmware/sip88xx.14-2-1-0001-14.loads "GET firmware/ lookup"
curl -sf -o h4 "$U/Desktops/800x480x24/List.xml" || fail "GET Desktops"
same h4 tftpboot/Desktops/800x480x24/List.xml "GET Desktops/"

hdr=$(curl -sI "$U/SEPDefault6k.xml" | tr -d '\r')
echo "$hdr" | grep -q '^HTTP/1.1 200' || fail "HEAD: $hdr"
echo "$hdr" | grep -qi '^Content-Length: 6144$' || fail "HEAD Content-Length: $hdr"
echo "$hdr" | grep -qi '^Cache-Control: no-store$' || fail "no Cache-Control: no-store"
etag=$(echo "$hdr" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
[ -n "$etag" ] || fail "no ETag"
[ "$(code -H "If-None-Match: $etag" "$U/SEPDefault6k.xml")" = 304 ] || fail "If-None-Match: not 304"
[ "$(code -H 'If-None-Match: "other"' "$U/SEPDefault6k.xml")" = 200 ] || fail "stale ETag not 200"

# Range: a firmware resume.
curl -sf -r 1000000- -o r1 "$U/sip88xx.14-2-1-0001-14.loads" || fail "Range GET"
tail -c 500000 tftpboot/firmware/sip88xx.14-2-1-0001-14.loads >want-tail
same r1 want-tail "Range 1000000-"
[ "$(code -r 100-199 "$U/blocks4.bin")" = 206 ] || fail "Range not 206"
rh=$(curl -s -D - -o r2 -r 100-199 "$U/blocks4.bin" | tr -d '\r')
echo "$rh" | grep -qi '^Content-Range: bytes 100-199/2048$' || fail "Content-Range: $rh"
[ "$(wc -c <r2)" -eq 100 ] || fail "Range length"
[ "$(code -r 5000- "$U/blocks4.bin")" = 416 ] || fail "unsatisfiable Range not 416"
curl -sf -r -100 -o r3 "$U/blocks4.bin" || fail "suffix Range"
tail -c 100 tftpboot/blocks4.bin >want-suffix
same r3 want-suffix "Range -100 (last 100 bytes)"

# Not found, trust lists, traversal.
[ "$(code "$U/nosuchfile.xml")" = 404 ] || fail "missing not 404"
[ "$(code "$U/CTLSEP001122334455.tlv")" = 404 ] || fail "CTLSEP not 404"
[ "$(code "$U/CTLFile.tlv")" = 404 ] || fail "CTLFile.tlv on disk served"
[ "$(code "$U/ITLSEP001122334455.tlv")" = 404 ] || fail "ITL served"
for p in '/../dialtone.db' '/%2e%2e/%2e%2e/etc/passwd' '/firmware/..%2f..%2fdialtone.db'; do
	c=$(code --path-as-is "$U$p")
	case $c in 403 | 404 | 400) ;; *) fail "traversal $p answered $c" ;; esac
done
[ "$(code -X PUT --data x "$U/SEPDefault6k.xml")" = 405 ] || fail "PUT not 405"

# Keep-alive: two requests, one connection.
v=$(curl -sv -o /dev/null -o /dev/null "$U/SEPDefault6k.xml" "$U/blocks4.bin" 2>&1)
echo "$v" | grep -qi 'Re-using existing connection\|Reusing existing connection' ||
	fail "keep-alive: connection not reused"

# A database change is served on the next request, without a restart, with a new ETag.
e1=$(curl -sI "$U/SEP001122334455.cnf.xml" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
"$DIALTONE" --data "$D" device set 001122334455 --load sip88xx.14-3-1-0001-1 >/dev/null ||
	fail "device set"
"$DIALTONE" --data "$D" files show SEP001122334455.cnf.xml >want-sep2.xml || fail "files show 2"
cmp -s want-sep.xml want-sep2.xml && fail "the change did not alter the generated file"
ok=0
for _ in $(seq 1 20); do
	curl -sf -o h5 "$U/SEP001122334455.cnf.xml" && cmp -s h5 want-sep2.xml && ok=1 && break
	sleep 0.05
done
[ $ok = 1 ] || fail "changed file not served within 1 s"
curl -sf -o t5 "tftp://$ADDR/SEP001122334455.cnf.xml" && cmp -s t5 want-sep2.xml ||
	fail "changed file not served over TFTP"
e2=$(curl -sI "$U/SEP001122334455.cnf.xml" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
[ -n "$e1" ] && [ "$e1" != "$e2" ] || fail "ETag did not change ($e1 -> $e2)"
[ "$(code -H "If-None-Match: $e1" "$U/SEP001122334455.cnf.xml")" = 200 ] || fail "stale ETag got 304"

grep -q 'http SEP001122334455 sent client=.*proto=http method=GET status=200 bytes=' serve.log ||
	fail "HTTP trace line missing"
kill -0 "$SERVE_PID" || fail "serve died"
echo "41-http-6970: ok"
