#!/bin/sh
# summary: `dialtone files add` puts admin files into the static tree: served byte-identical over
# TFTP and HTTP while serve runs, a replacement is served from the next request on, bad
# destinations are refused with exit 2. Needs: curl.
ADDR=127.0.44.1
. "$(dirname "$0")/lib/files.sh"
need curl curl
mkdir -p "$T"
start_serve
cd "$D" || exit 1
head -c 200000 /dev/urandom >load1.sbn
head -c 1234 /dev/urandom >ring.raw
"$DIALTONE" --data "$D" files add load1.sbn firmware/ >add.out || fail "files add firmware/"
grep -q 'added tftpboot/firmware/load1.sbn (200000 bytes)' add.out || fail "add output: $(cat add.out)"
"$DIALTONE" --data "$D" files add ring.raw ringtones/Classic1.raw >/dev/null || fail "add ringtone"
curl -sf -o t1 "tftp://$ADDR/load1.sbn" || fail "tftp get added firmware"
cmp -s t1 load1.sbn || fail "tftp bytes differ"
curl -sf -o h1 "http://$ADDR:6970/classic1.raw" || fail "http get added ringtone"
cmp -s h1 ring.raw || fail "http bytes differ"
# Replace: served from the next request after revalidation (at most a second).
head -c 3000 /dev/urandom >load2.sbn
"$DIALTONE" --data "$D" files add load2.sbn firmware/load1.sbn >/dev/null || fail "replace"
sleep 1.2
curl -sf -o h2 "http://$ADDR:6970/load1.sbn" || fail "get replaced"
cmp -s h2 load2.sbn || fail "replacement not served"
"$DIALTONE" --data "$D" files add load1.sbn ../escape.sbn >/dev/null 2>err.txt
[ $? -eq 2 ] || fail "traversal destination: want exit 2"
[ "$(wc -l <err.txt)" -eq 1 ] && grep -q 'DEST-PATH' err.txt || fail "error line: $(cat err.txt)"
[ ! -e "$D/escape.sbn" ] || fail "file written outside the tree"
"$DIALTONE" --data "$D" files add /nonexistent.bin >/dev/null 2>err.txt
[ $? -eq 1 ] || fail "missing SRC: want exit 1"
grep -q '^dialtone: SRC' err.txt || fail "missing SRC error: $(cat err.txt)"
echo "44-files-add: ok"
