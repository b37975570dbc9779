#!/bin/sh
# summary: busybox udhcpc in a client namespace against `dialtone serve --only dhcp` in raw mode
# (veth): the phone-like client (vendor class "Cisco ...", option 150 requested) gets its address
# and prints option 150's servers in the subnet's order (bytes also in the debug log); a
# reservation made with `device add --ip` is handed out at once, and a known-clients-only subnet
# ignores a MAC missing from the device table; without --tftp, option 150 lists the nodes that
# run the file service (added while serving). Needs: root, udhcpc.
N=52
. "$(dirname "$0")/lib/dhcp.sh"
need udhcpc udhcpc
make_veth_ns
CNS=${NS}c

dt dhcp subnet add 10.$N.0.0/24 --pool 10.$N.0.100-10.$N.0.150 --router 10.$N.0.1 \
	--tftp 10.$N.0.6,10.$N.0.5 --lease-time 600 >/dev/null || fail "subnet add"
start_serve 10.$N.0.1 --log-level debug

cat >"$D/hook.sh" <<'EOF2'
#!/bin/sh
[ "$1" = bound ] || exit 0
ip addr add "$ip/$mask" dev "$interface"
echo "bound ip=$ip mask=$mask router=$router opt150=$opt150 serverid=$serverid" >>"$(dirname "$0")/hook.out"
EOF2
chmod +x "$D/hook.sh"

# udhcpc -q: exit once bound; -n: exit 1 when no lease after -t tries.
run_udhcpc() {
	timeout 20 ip netns exec "$CNS" udhcpc -i "dtc$N" -f -q -n -t 4 -T 1 -s "$D/hook.sh" \
		-V "Cisco Systems, Inc. IP Phone CP-7841" -O 150 "$@" >>"$D/udhcpc.log" 2>&1
}

run_udhcpc || { cat "$D/udhcpc.log"; fail "udhcpc got no lease"; }
line=$(tail -n 1 "$D/hook.out")
echo "$line"
# opt150 is printed by busybox as hex: 10.52.0.6 then 10.52.0.5 (the subnet's order)
echo "$line" | grep -q "^bound ip=10.$N.0.100 mask=24 router=10.$N.0.1 opt150=0a3400060a340005 serverid=10.$N.0.1$" ||
	fail "udhcpc: $line"
ip netns exec "$CNS" ip -4 addr show "dtc$N" | grep -q "10.$N.0.100/24" || fail "address not set"
ip netns exec "$CNS" ip addr flush dev "dtc$N"
grep -q "sent ACK yiaddr 10.$N.0.100 options .*96080a3400060a340005" "$D/serve.log" ||
	fail "option 150 bytes not in the debug log"

# a reservation by MAC, applied without restart
mac=$(ip netns exec "$CNS" cat "/sys/class/net/dtc$N/address")
if dt device add --mac "$mac" --model 8841 --ip 10.$N.0.20 >"$D/dev.out" 2>&1; then
	sleep 0.6
	run_udhcpc || fail "udhcpc (reserved) got no lease"
	tail -n 1 "$D/hook.out" | grep -q "^bound ip=10.$N.0.20 " || fail "reservation not used: $(tail -n 1 "$D/hook.out")"
	ip netns exec "$CNS" ip addr flush dev "dtc$N"
	# known-clients-only: another MAC gets nothing, a log line says why. The new subnet has no
	# --tftp, so option 150 lists the cluster nodes running the file service, added now.
	dt node add tftp-a --address 10.$N.0.7 --services tftp,http >/dev/null || fail "node add"
	dt node add tftp-b --address 10.$N.0.8 --services tftp >/dev/null || fail "node add"
	dt node add sip-only --address 10.$N.0.9 --services sip >/dev/null || fail "node add"
	dt dhcp subnet delete 10.$N.0.0/24 >/dev/null
	dt dhcp subnet add 10.$N.0.0/24 --pool 10.$N.0.100-10.$N.0.150 --known-only >/dev/null
	sleep 0.6
	ip netns exec "$CNS" ip link set "dtc$N" address 02:00:00:00:52:99
	run_udhcpc -t 2 && fail "unknown MAC got a lease on a known-only subnet"
	grep -q "SEP020000005299 DISCOVER .*known-clients-only" "$D/serve.log" || fail "no log line for known-only"
	ip netns exec "$CNS" ip link set "dtc$N" address "$mac"
	run_udhcpc || fail "known MAC got no lease on a known-only subnet"
	tail -n 1 "$D/hook.out" | grep -q "^bound ip=10.$N.0.20 .* opt150=0a3400070a340008 " ||
		fail "option 150 from the nodes: $(tail -n 1 "$D/hook.out")"
else
	echo "note: device add --ip unavailable ($(head -n 1 "$D/dev.out")), reservation part not run"
fi
echo "ok"
