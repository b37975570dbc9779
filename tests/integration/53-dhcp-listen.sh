#!/bin/sh
# summary: `dialtone serve --only dhcp --listen A,B` serves relays on every listen address (one
# UDP socket each): perfdhcp relays reach either address, the relay's giaddr selects the subnet
# whichever address it used, and each reply leaves from the address the request came to with that
# address as option 54 (checked with tshark). Then `dhcp subnet delete` takes effect at once in
# the running server: the subnet's leases leave its memory (a re-added subnet with the same pool
# is not exhausted by them), its relay is logged as unknown, and the re-added subnet's new option
# 150 list is in the very next replies.
# Needs: root (ip netns), perfdhcp (kea-admin), tshark.
N=53
. "$(dirname "$0")/lib/dhcp.sh"
need perfdhcp kea-admin
need tshark tshark
make_loop_ns
S1=127.0.$N.1
S2=127.0.$N.2
R1=127.1.$N.2 # relay of subnet 127.1.0.0/16
R2=127.2.$N.2 # relay of subnet 127.2.0.0/16
nsx ip addr add "$R1/8" dev lo
nsx ip addr add "$R2/8" dev lo

dt dhcp subnet add 127.1.0.0/16 --pool 127.1.1.10-127.1.1.15 --tftp 10.0.0.5 >/dev/null ||
	fail "subnet add 1"
dt dhcp subnet add 127.2.0.0/16 --pool 127.2.1.10-127.2.1.15 --tftp 10.0.0.6 >/dev/null ||
	fail "subnet add 2"
start_serve "$S1,$S2" --log-level debug
grep -q "serving relays on $S1:67, $S2:67" "$D/serve.log" || fail "not serving both addresses"

ip netns exec "$NS" tshark -i lo -f "udp port 67" -w "$D/cap.pcap" -q >"$D/tshark.log" 2>&1 &
TPID=$!
PIDS=$TPID
for _ in $(seq 1 50); do grep -q "Capturing on" "$D/tshark.log" && break; sleep 0.1; done
sleep 0.5

# perfdhcp RELAY SERVER COUNT MAC-BASE [OUT]: DORAs that must all complete with no drop (a
# REQUEST carrying the wrong server identifier would be ignored by the server: a drop).
dora() {
	nsx perfdhcp -4 -W 500000 -l "$1" -r 50 -R "$3" -n "$3" -o 55,0103060f96 -b "mac=$4" "$2" \
		>"$D/perf.out" 2>&1 || { cat "$D/perf.out"; fail "perfdhcp $1 -> $2"; }
	grep -q "drops: 0$" "$D/perf.out" || fail "perfdhcp $1 -> $2 reported drops"
}

# 1. each relay on its own address, then relay 1 on the other address: 3 + 3 + 3 clients
# (3 each: perfdhcp -n 2 counts its last exchange as a drop whatever the server does)
dora "$R1" "$S1" 3 00:1e:53:01:00:00
dora "$R2" "$S2" 3 00:1e:53:02:00:00
dora "$R1" "$S2" 3 00:1e:53:03:00:00
dt dhcp leases >"$D/leases1.txt"
[ "$(grep -c '^127\.1\.1\.1[0-5] .* bound ' "$D/leases1.txt")" = 6 ] ||
	fail "giaddr $R1 did not select 127.1.0.0/16 on both addresses: $(cat "$D/leases1.txt")"
[ "$(grep -c '^127\.2\.1\.1[0-5] .* bound ' "$D/leases1.txt")" = 3 ] ||
	fail "giaddr $R2 did not select 127.2.0.0/16"
# the listings (text and streamed JSON) agree with that
dt dhcp subnet list | grep -q "^127.1.0.0/16 .* 6/6 " || fail "subnet list does not show 6/6"
dt dhcp subnet list --json | tr -d ' \n' |
	grep -q '^\[{"subnet":"127.1.0.0/16",.*"pool_size":6,"in_use":6},{"subnet":"127.2.0.0/16",.*"in_use":3}\]$' ||
	fail "subnet list --json: $(dt dhcp subnet list --json)"
[ "$(count_leases)" = 9 ] || fail "dhcp leases --json lists $(count_leases) leases, expected 9"

sleep 1
kill "$TPID"
wait "$TPID" 2>/dev/null
PIDS=
# every OFFER/ACK: source = option 54 = the server address the relay sent to
tshark -r "$D/cap.pcap" -Y "dhcp.option.dhcp == 2 || dhcp.option.dhcp == 5" -T fields \
	-e ip.src -e dhcp.option.dhcp_server_id -e ip.dst 2>/dev/null | sort | uniq -c >"$D/replies.txt"
cat >"$D/expect.txt" <<EOF
$S1 $S1 $R1 6
$S2 $S2 $R1 6
$S2 $S2 $R2 6
EOF
awk '{print $2, $3, $4, $1}' "$D/replies.txt" | diff "$D/expect.txt" - >/dev/null ||
	fail "replies not from the address the request came to: $(cat "$D/replies.txt")"

# 2. delete the full subnet 127.1.0.0/16: its 6 leases leave the running server at once
dt dhcp subnet delete 127.1.0.0/16 >/dev/null || fail "subnet delete"
sleep 0.6
grep -q "subnets reloaded: 1; 6 lease(s) no longer covered dropped" "$D/serve.log" ||
	fail "deleted subnet's leases not dropped from memory"
nsx perfdhcp -4 -W 500000 -l "$R1" -r 10 -n 1 "$S1" >"$D/perf.out" 2>&1
grep -q "drops: 1" "$D/perf.out" || fail "a relay of a deleted subnet got an answer"
grep -q "DISCOVER from $R1 via relay: giaddr is on no configured subnet" "$D/serve.log" ||
	fail "no unknown-subnet line for the deleted subnet's relay"
[ "$(dt dhcp leases | grep -c '^127\.1\.')" = 0 ] || fail "deleted subnet's leases still stored"

# 3. re-added with the same 6-address pool and a new option 150 list: 6 new clients get every
# address (stale in-memory leases would leave the pool exhausted) and the new list
dt dhcp subnet add 127.1.0.0/16 --pool 127.1.1.10-127.1.1.15 --tftp 10.0.0.7,10.0.0.8 \
	>/dev/null || fail "subnet re-add"
sleep 0.6
dora "$R1" "$S1" 6 00:1e:53:04:00:00
[ "$(dt dhcp leases | grep -c '^127\.1\.1\.1[0-5] .* bound ')" = 6 ] ||
	fail "re-added subnet did not start empty"
grep "SEP001E5304" "$D/serve.log" | grep -q "sent ACK .*9608 *0a0000070a000008" ||
	fail "new option 150 list not in the next replies"
if grep "SEP001E5304" "$D/serve.log" | grep "sent \(OFFER\|ACK\)" | grep -q "9604 *0a000005"; then
	fail "old option 150 list still sent"
fi
kill -0 "$SERVE_PID" || fail "server died"
echo "ok: relays on two listen addresses, replies from the address reached; subnet delete live"
