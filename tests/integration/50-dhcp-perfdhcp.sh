#!/bin/sh
# summary: perfdhcp (Kea) in relay mode against `dialtone serve --only dhcp` on a namespaced
# loopback: 300 DORAs with no drop, unique addresses, tshark decodes every reply without
# malformed warnings, kill -9 + restart hands no stored address to another client and (in
# group-commit mode) loses no ACKed lease nor logs "sent ACK" before the reply left, a subnet
# added while serving applies without restart, pool exhaustion is warned about and visible,
# malformed packets are logged and survived.
# Needs: root (ip netns), perfdhcp (kea-admin), tshark, python3.
N=50
. "$(dirname "$0")/lib/dhcp.sh"
need perfdhcp kea-admin
need tshark tshark
need python3 python3
make_loop_ns
SRV=127.0.$N.1
REL=127.0.$N.2

dt dhcp subnet add 127.0.0.0/8 --pool 127.200.0.1-127.200.3.254 --router 127.0.0.1 \
	--dns 10.0.0.53 --tftp 10.0.0.5,10.0.0.6 --lease-time 3600 >/dev/null ||
	fail "subnet add"
start_serve "$SRV" --log-level debug

ip netns exec "$NS" tshark -i lo -f "udp port 67" -w "$D/cap.pcap" -q >"$D/tshark.log" 2>&1 &
TPID=$!
PIDS=$TPID
for _ in $(seq 1 50); do grep -q "Capturing on" "$D/tshark.log" && break; sleep 0.1; done
sleep 0.5

# 1. 200 clients, DORA each, relay mode: perfdhcp exits 0 only when every exchange completed.
nsx perfdhcp -4 -W 500000 -l "$REL" -r 100 -R 200 -n 200 -u -o 55,0103060f96 -b mac=00:1e:4a:00:00:00 "$SRV" \
	>"$D/perf1.out" 2>&1 || { cat "$D/perf1.out"; fail "perfdhcp run 1"; }
grep -q "drops: 0$" "$D/perf1.out" || fail "perfdhcp reported drops"
[ "$(count_leases)" = 200 ] || fail "expected 200 leases, got $(count_leases)"
dt dhcp leases --json >"$D/leases1.json"

sleep 1
kill "$TPID"
wait "$TPID" 2>/dev/null
PIDS=
replies=$(tshark -r "$D/cap.pcap" -Y "dhcp.option.dhcp == 2 || dhcp.option.dhcp == 5" 2>/dev/null | wc -l)
[ "$replies" -ge 400 ] || fail "tshark saw $replies OFFER/ACK replies, expected 400"
bad=$(tshark -r "$D/cap.pcap" -Y "_ws.malformed || _ws.expert.severity >= warning" 2>/dev/null | wc -l)
[ "$bad" = 0 ] || fail "tshark flags $bad packets: $(tshark -r "$D/cap.pcap" -Y '_ws.malformed || _ws.expert.severity >= warning' | head -3)"
# the reply goes to the relay (giaddr) on port 67, with the relay's giaddr echoed
tshark -r "$D/cap.pcap" -Y "dhcp.option.dhcp == 5" -T fields -e ip.dst -e udp.dstport -e dhcp.ip.relay \
	2>/dev/null | head -1 | grep -q "^$REL	67	$REL" || fail "ACK not sent to giaddr:67"
# exact bytes of option 150 in the debug log: 96 08 0a000005 0a000006
grep -q "sent ACK .*9608 *0a0000050a000006" "$D/serve.log" || fail "option 150 bytes not logged"

# 2. kill -9, restart: the 200 stored leases are restored and no address goes to a new client.
stop_serve KILL
start_serve "$SRV"
grep -q "200 lease(s) restored" "$D/serve.log" || fail "leases not restored after kill -9"
nsx perfdhcp -4 -W 500000 -l "$REL" -r 100 -R 100 -n 100 -u -b mac=00:1e:4b:00:00:00 "$SRV" \
	>"$D/perf2.out" 2>&1 || { cat "$D/perf2.out"; fail "perfdhcp run 2"; }
dt dhcp leases --json >"$D/leases2.json"
python3 - "$D/leases1.json" "$D/leases2.json" <<'PY' || fail "address reused after restart"
import json, sys
a = {l["ip"]: l["mac"] for l in json.load(open(sys.argv[1]))}
b = json.load(open(sys.argv[2]))
ips = [l["ip"] for l in b]
macs = [l["mac"] for l in b if l["state"] == "bound"]
assert len(b) == 300, len(b)
assert len(set(ips)) == len(ips) and len(set(macs)) == len(macs), "duplicate"
for l in b:
    if l["ip"] in a:
        assert a[l["ip"]] == l["mac"], (l, a[l["ip"]])
PY

# 2b. group commit with a long window ([dhcp] persist_batch_ms = 1500): 20 relayed DORAs in
# parallel, kill -9 the moment the last ACK arrives, well inside the window; every ACKed lease
# must be back after the restart, which holds only because ACKs wait for their batch's commit.
# (A python relay here: perfdhcp gives up on ACKs that take longer than a few hundred ms.)
# While the batch waits, another writer must get the database at once: the batch is written in
# one short transaction at its flush, never held open across the window (the registrar saves its
# state on the same thread and would otherwise stall until SQLite's busy timeout).
printf '[dhcp]\npersist_batch_ms = 1500\n' >"$D/dialtone.conf"
stop_serve KILL
start_serve "$SRV" --log-level debug
nsx python3 - "$SRV" "$REL" "$D/dialtone.db" >"$D/acked.txt" <<'PY' || fail "relayed DORA in batch mode"
import socket, sqlite3, struct, sys, time
srv, rel, db = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((rel, 67))
s.settimeout(0.2)
def msg(mac, typ, extra=b""):
    h = struct.pack("!BBBBIHH", 1, 1, 6, 1, 0x2b000000 + mac[5], 0, 0) + bytes(8)
    h += bytes(4) + socket.inet_aton(rel) + mac + bytes(10 + 64 + 128)
    return h + bytes([99, 130, 83, 99, 53, 1, typ]) + extra + b"\xff"
macs = [bytes([0, 0x1e, 0x4d, 0, 0, i]) for i in range(1, 21)]
def collect(want, typ, n):
    got, end = {}, time.time() + 5
    while len(got) < n and time.time() < end:
        try:
            r, _ = s.recvfrom(1500)
        except socket.timeout:
            continue
        if r[242] == typ:
            got[r[28:34]] = r[16:20]
    return got
for m in macs:
    s.sendto(msg(m, 1), (srv, 67))
offers = collect(macs, 2, 20)
for m, ip in offers.items():
    s.sendto(msg(m, 3, bytes([50, 4]) + ip + bytes([54, 4]) + socket.inet_aton(srv)), (srv, 67))
t0 = time.time()
time.sleep(0.2)
w = sqlite3.connect(db, timeout=0.2, isolation_level=None)
try:
    w.execute("BEGIN IMMEDIATE")
    w.execute("COMMIT")
except sqlite3.OperationalError as e:
    sys.exit("another writer was locked out during the batch window: %s" % e)
w.close()
acks = collect(macs, 5, len(offers))
assert len(acks) == 20, len(acks)
assert time.time() - t0 > 0.5, "ACKs did not wait for the group commit"
for ip in acks.values():
    print(socket.inet_ntoa(ip))
PY
stop_serve KILL
# the debug line "sent ACK" is logged when a reply leaves, after its batch's commit: each of
# the 20 decisions (INFO "ACK ... lease") comes before the first "sent ACK" line
awk '/SEP001E4D/ && / ACK .* lease / { last = NR } /SEP001E4D/ && /sent ACK/ && !first { first = NR }
	END { exit !(first && last && last < first) }' "$D/serve.log" ||
	fail "\"sent ACK\" logged before the batched reply was sent"
rm -f "$D/dialtone.conf"
start_serve "$SRV"
dt dhcp leases >"$D/leases2b.txt"
while read -r ip; do
	grep -q "^$ip .* bound " "$D/leases2b.txt" || fail "ACKed lease $ip lost on kill -9 in batch mode"
done <"$D/acked.txt"
[ "$(wc -l <"$D/acked.txt")" = 20 ] || fail "expected 20 ACKs"

# 3. an unknown relay gets nothing; adding its subnet applies live
nsx ip addr add 127.1.$N.2/8 dev lo
dt dhcp subnet delete 127.0.0.0/8 >/dev/null || fail "subnet delete"
sleep 0.6
nsx perfdhcp -4 -W 500000 -l 127.1.$N.2 -r 10 -n 5 "$SRV" >"$D/perf3.out" 2>&1
grep -q "drops: 5" "$D/perf3.out" || fail "a relay on no subnet got answers: $(cat "$D/perf3.out")"
grep -q "giaddr is on no configured subnet" "$D/serve.log" || fail "no log line for unknown giaddr"
dt dhcp subnet add 127.0.0.0/9 --pool 127.1.0.10-127.1.0.99 >/dev/null || fail "subnet add 2"
sleep 0.6
nsx perfdhcp -4 -W 500000 -l 127.1.$N.2 -r 10 -R 5 -n 5 "$SRV" >"$D/perf4.out" 2>&1 ||
	{ cat "$D/perf4.out"; fail "new subnet not applied without restart"; }

# 4. pool exhaustion: 5 addresses, 12 clients; the pool fills, a warning line says so, and
# `dhcp subnet list` shows it full
nsx ip addr add 127.201.$N.2/8 dev lo
dt dhcp subnet add 127.201.0.0/16 --pool 127.201.1.10-127.201.1.14 >/dev/null || fail "subnet add 3"
sleep 0.6
nsx perfdhcp -4 -W 500000 -l 127.201.$N.2 -r 50 -R 12 -n 12 "$SRV" >"$D/perf5.out" 2>&1
acks=$(sed -n '/REQUEST-ACK/,$ s/^received packets: //p' "$D/perf5.out" | head -n 1)
[ "$acks" = 5 ] || fail "expected 5 ACKs from a 5-address pool, got '$acks'"
grep -q "pool of 127.201.0.0/16 exhausted: 5 of 5 addresses in use" "$D/serve.log" ||
	fail "no exhaustion warning"
dt dhcp subnet list | grep -q "^127.201.0.0/16 .* 5/5 " || fail "subnet list does not show 5/5"

# 5. malformed datagrams: logged, survived
nsx python3 - "$SRV" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
hdr = bytes([1, 1, 6, 0]) + bytes(232)
for p in (b"\x01\x02", hdr, hdr + b"\x63\x82\x53\x64\x35\x01\x01\xff",
          hdr + b"\x63\x82\x53\x63\x35\x01\x01\x96\x05\x0a\x00\x00\x01\x0a\xff",
          hdr + b"\x63\x82\x53\x63\x35\x01\x01\x3d\x40\x01"):
    s.sendto(p, (sys.argv[1], 67))
PY
sleep 0.3
kill -0 "$SERVE_PID" || fail "serve died on malformed input"
grep -q "malformed packet .*bad magic cookie" "$D/serve.log" || fail "no log line for a bad cookie"
grep -q "malformed packet .*(option 150)" "$D/serve.log" || fail "no log line for option 150"
echo "ok"
