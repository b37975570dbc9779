#!/bin/sh
# summary: tshark decodes a capture of our TFTP transfers (plain, OACK with blksize/tsize/
# windowsize, netascii, error) with no malformed packets or expert errors. Needs: tshark, atftp,
# tftp-hpa.
ADDR=127.0.42.1
. "$(dirname "$0")/lib/files.sh"
need tshark tshark
need atftp atftp
need tftp tftp-hpa
make_tree
start_serve
cd "$D" || exit 1
tshark -i lo -f "host $ADDR and udp" -w cap.pcap -q >tshark.log 2>&1 &
TPID=$!
PIDS=$TPID
for _ in $(seq 1 50); do grep -q "Capturing on" tshark.log && break; sleep 0.1; done
sleep 0.5
tftp "$ADDR" -m octet -c get SEPDefault6k.xml t1 || fail "tftp get"
atftp --option "blksize 1428" --option "tsize 0" --option "windowsize 4" -g -r SEPDefault6k.xml \
	-l t2 "$ADDR" >/dev/null 2>&1 || fail "atftp get"
tftp "$ADDR" -m netascii -c get English_United_States/g3-tones.xml t3 || fail "netascii get"
tftp "$ADDR" -m octet -c get missing.xml t4 >/dev/null 2>&1
sleep 1
kill "$TPID"
wait "$TPID" 2>/dev/null
PIDS=
# Decode as TFTP whatever the data ports are (tshark follows a conversation from port 69).
out=$(tshark -r cap.pcap -o tftp.defragment:TRUE 2>&1)
echo "$out" | grep -q "Read Request" || fail "no RRQ decoded: $out"
echo "$out" | grep -q "Option Acknowledgement.*blksize=1428.*tsize=6144.*windowsize=4" ||
	fail "no OACK decoded: $out"
echo "$out" | grep -q "Data Packet, Block: 12" || fail "no DATA decoded"
echo "$out" | grep -q "Error Code, Code: File not found" || fail "no ERROR decoded"
if echo "$out" | grep -qi "malformed"; then fail "malformed packets: $(echo "$out" | grep -i malformed)"; fi
experts=$(tshark -r cap.pcap -q -z expert,error 2>&1)
if echo "$experts" | grep -q "^Errors ("; then fail "expert errors: $experts"; fi
n=$(echo "$out" | grep -c "TFTP")
[ "$n" -ge 30 ] || fail "only $n TFTP packets decoded"
echo "42-tftp-tshark: ok ($n packets decoded)"
