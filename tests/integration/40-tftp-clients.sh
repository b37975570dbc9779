#!/bin/sh
# summary: TFTP with real clients (tftp-hpa, atftp, curl) against `dialtone serve --only tftp`:
# generated and static files byte-identical, options (blksize, tsize, windowsize), netascii, the
# lookup rules (leading slash, any case, firmware/ for bare names), block rollover past 65535,
# CTL/ITL not found, traversal and WRQ refused. Needs: tftp-hpa, atftp, curl.
ADDR=127.0.40.1
. "$(dirname "$0")/lib/files.sh"
need tftp tftp-hpa
need atftp atftp
need curl curl
make_tree
add_phone
start_serve
cd "$D" || exit 1
"$DIALTONE" --data "$D" files show SEP001122334455.cnf.xml >want-sep.xml 2>/dev/null ||
	fail "files show SEP001122334455.cnf.xml"
[ -s want-sep.xml ] || fail "generated SEP file is empty"

same() { cmp -s "$1" "$2" || fail "$3: $1 differs from $2"; }

# tftp-hpa: plain RFC 1350, octet.
tftp "$ADDR" -m octet -c get SEP001122334455.cnf.xml g1 || fail "tftp-hpa get generated"
same g1 want-sep.xml "tftp-hpa generated"
tftp "$ADDR" -m octet -c get /sep001122334455.CNF.XML g2 || fail "tftp-hpa lower-case + slash"
same g2 want-sep.xml "tftp-hpa case-insensitive"
tftp "$ADDR" -m octet -c get sip88xx.14-2-1-0001-14.loads g3 || fail "tftp-hpa firmware/"
same g3 tftpboot/firmware/sip88xx.14-2-1-0001-14.loads "tftp-hpa firmware/ lookup"
tftp "$ADDR" -m octet -c get blocks4.bin g4 || fail "tftp-hpa exact block multiple"
same g4 tftpboot/blocks4.bin "tftp-hpa 4x512 (empty last block)"
tftp "$ADDR" -m octet -c get desktops/800X480X24/list.xml g5 || fail "tftp-hpa subfolder"
same g5 tftpboot/Desktops/800x480x24/List.xml "tftp-hpa Desktops/"
# netascii: the client converts CR LF back, so the bytes arrive as on disk.
tftp "$ADDR" -m netascii -c get English_United_States/g3-tones.xml g6 || fail "netascii"
same g6 tftpboot/English_United_States/g3-tones.xml "tftp-hpa netascii"

# atftp: blksize, tsize, windowsize (RFC 2348, 2349, 7440).
atftp --option "blksize 1428" --option "tsize 0" -g -r SEPDefault6k.xml -l a1 "$ADDR" >a.log 2>&1 ||
	fail "atftp blksize/tsize: $(cat a.log)"
same a1 tftpboot/SEPDefault6k.xml "atftp blksize 1428"
atftp --option "blksize 1428" --option "windowsize 16" -g -r sip88xx.14-2-1-0001-14.loads -l a2 \
	"$ADDR" >a.log 2>&1 || fail "atftp windowsize: $(cat a.log)"
same a2 tftpboot/firmware/sip88xx.14-2-1-0001-14.loads "atftp windowsize 16"
atftp --option "blksize 8" -g -r SEP001122334455.cnf.xml -l a3 "$ADDR" >a.log 2>&1 ||
	fail "atftp blksize 8: $(cat a.log)"
same a3 want-sep.xml "atftp blksize 8"

# curl over tftp://, with and without options.
curl -sf -o c1 "tftp://$ADDR/SEP001122334455.cnf.xml" || fail "curl tftp generated"
same c1 want-sep.xml "curl tftp"
curl -sf --tftp-blksize 1428 -o c2 "tftp://$ADDR/sip88xx.14-2-1-0001-14.loads" || fail "curl blksize"
same c2 tftpboot/firmware/sip88xx.14-2-1-0001-14.loads "curl blksize 1428"

# A file above 32 MiB at 512-byte blocks: block numbers roll over past 65535 (to 0).
head -c 34000000 /dev/urandom >tftpboot/firmware/big.sbn
curl -sf --tftp-no-options -o c3 "tftp://$ADDR/big.sbn" || fail "curl rollover"
same c3 tftpboot/firmware/big.sbn "curl 34 MB at blksize 512 (rollover)"
grep -q 'sent .*file="big.sbn".*bytes=34000000' serve.log || fail "no trace line for big.sbn"

# Not found and refusals.
out=$(tftp "$ADDR" -m octet -c get CTLSEP001122334455.tlv x1 2>&1)
echo "$out" | grep -q "Error code 1" || fail "CTLSEP: expected error 1, got: $out"
out=$(tftp "$ADDR" -m octet -c get CTLFile.tlv x2 2>&1)
echo "$out" | grep -q "Error code 1" || fail "CTLFile.tlv on disk must not be served: $out"
out=$(tftp "$ADDR" -m octet -c get ITLSEP001122334455.tlv x3 2>&1)
echo "$out" | grep -q "Error code 1" || fail "ITL must not be served: $out"
out=$(tftp "$ADDR" -m octet -c get nosuchfile.xml x4 2>&1)
echo "$out" | grep -q "Error code 1" || fail "missing file: $out"
for bad in ../../../../etc/passwd /etc/../../passwd 'firmware/../../dialtone.db'; do
	out=$(tftp "$ADDR" -m octet -c get "$bad" x5 2>&1)
	echo "$out" | grep -q "Error code 2" || fail "traversal $bad: expected error 2, got: $out"
done
out=$(tftp "$ADDR" -m octet -c get /etc/passwd x6 2>&1)
echo "$out" | grep -q "Error code 1" || fail "absolute path must stay inside the tree: $out"
if curl -sf -o c4 "tftp://$ADDR/../dialtone.db" 2>/dev/null; then fail "curl traversal served"; fi
out=$(tftp "$ADDR" -m octet -c put g1 upload.bin 2>&1)
echo "$out" | grep -q "Error code 2" || fail "WRQ: expected error 2, got: $out"
[ ! -e tftpboot/upload.bin ] || fail "WRQ wrote a file"

# One trace line per transfer with the device, options and result.
grep -q 'tftp SEP001122334455 sent client=.*file="SEP001122334455.cnf.xml" proto=tftp' serve.log ||
	fail "trace line with device missing"
grep -q 'opts=blksize=1428,windowsize=16' serve.log || fail "trace line lacks options"
grep -q 'not found client=.*CTLSEP001122334455.tlv' serve.log || fail "CTL not-found trace missing"
kill -0 "$SERVE_PID" || fail "serve died"
echo "40-tftp-clients: ok"
