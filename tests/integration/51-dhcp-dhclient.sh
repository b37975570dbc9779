#!/bin/sh
# summary: ISC dhclient in a client namespace, joined by veth to `dialtone serve --only dhcp` in
# raw (direct) mode: the client gets its address, mask, router, DNS, domain and option 150 (two
# TFTP servers in order) and 66; INIT-REBOOT with its lease file gets the same address; RELEASE
# is recorded; tshark decodes every reply without malformed warnings. Needs: root, dhclient
# (isc-dhcp-client), tshark.
N=51
. "$(dirname "$0")/lib/dhcp.sh"
need dhclient isc-dhcp-client
need tshark tshark
make_veth_ns
CNS=${NS}c

dt dhcp subnet add 10.$N.0.0/24 --pool 10.$N.0.100-10.$N.0.150 --router 10.$N.0.1 \
	--dns 10.$N.0.53 --domain voice.example --tftp 10.$N.0.5,10.$N.0.6 \
	--option66 tftp.voice.example --lease-time 600 >/dev/null || fail "subnet add"
start_serve 10.$N.0.1 --log-level debug

ip netns exec "$NS" tshark -i "dts$N" -f "udp port 67 or udp port 68" -w "$D/cap.pcap" -q >"$D/tshark.log" 2>&1 &
TPID=$!
PIDS=$TPID
for _ in $(seq 1 50); do grep -q "Capturing on" "$D/tshark.log" && break; sleep 0.1; done
sleep 0.5

# dhclient learns option 150 the way ISC documents it for Cisco phones.
cat >"$D/dhclient.conf" <<EOF
option tftp-servers code 150 = array of ip-address;
send vendor-class-identifier "Cisco Systems, Inc. IP Phone CP-8841";
request subnet-mask, routers, domain-name-servers, domain-name, tftp-servers, tftp-server-name;
EOF
# The hook script stands in for dhclient-script (which gets a cleared environment): it
# configures the address and appends the options to hook.out beside itself.
cat >"$D/hook.sh" <<'EOF'
#!/bin/sh
case "$reason" in
BOUND|REBOOT|RENEW)
	ip addr add "$new_ip_address/$new_subnet_mask" dev "$interface" 2>/dev/null
	echo "$reason ip=$new_ip_address mask=$new_subnet_mask router=$new_routers dns=$new_domain_name_servers domain=$new_domain_name tftp150=$new_tftp_servers tftp66=$new_tftp_server_name lease=$new_dhcp_lease_time" >>"$(dirname "$0")/hook.out"
	;;
esac
exit 0
EOF
chmod +x "$D/hook.sh"

run_dhclient() {
	ip netns exec "$CNS" dhclient -4 -d -v -cf "$D/dhclient.conf" \
		-lf "$D/dhclient.leases" -pf "$D/dhclient.pid" -sf "$D/hook.sh" "dtc$N" \
		>>"$D/dhclient.log" 2>&1 &
	CPID=$!
	PIDS="$TPID $CPID"
	for _ in $(seq 1 100); do
		[ "$(cat "$D/hook.out" 2>/dev/null | grep -c ip=)" -ge "$1" ] && return 0
		sleep 0.1
	done
	cat "$D/dhclient.log"
	fail "dhclient got no lease"
}
stop_dhclient() {
	kill "$CPID"
	wait "$CPID" 2>/dev/null
	PIDS=$TPID
}

run_dhclient 1
line=$(head -n 1 "$D/hook.out")
echo "$line"
echo "$line" | grep -q "^BOUND ip=10.$N.0.100 mask=255.255.255.0 router=10.$N.0.1 dns=10.$N.0.53 domain=voice.example tftp150=10.$N.0.5 10.$N.0.6 tftp66=tftp.voice.example lease=600" ||
	fail "dhclient options: $line"
ip netns exec "$CNS" ip -4 addr show "dtc$N" | grep -q "10.$N.0.100/24" || fail "address not configured"
stop_dhclient
# the address works: from it, a DHCPINFORM (RFC 2131 §3.4) is answered by unicast to ciaddr:68
ip netns exec "$CNS" python3 - 10.$N.0.100 10.$N.0.1 <<'PY' || fail "INFORM from the leased address"
import socket, struct, sys
me, srv = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((me, 68))
s.settimeout(3)
ciaddr = socket.inet_aton(me)
pkt = struct.pack("!BBBBIHH", 1, 1, 6, 0, 0x51515151, 0, 0) + ciaddr + bytes(12)
pkt += bytes.fromhex("020000000051") + bytes(10 + 64 + 128)
pkt += bytes([99, 130, 83, 99, 53, 1, 8, 55, 2, 1, 150, 255])
s.sendto(pkt, (srv, 67))
r, _ = s.recvfrom(1500)
opts = r[240:]
assert r[0] == 2 and r[4:8] == pkt[4:8], "not our reply"
assert bytes([53, 1, 5]) in opts, "not an ACK"
assert bytes([51, 4]) not in opts[:3], "lease time in an INFORM reply"
assert r[12:16] == ciaddr and r[16:20] == bytes(4), "ciaddr/yiaddr"
PY
ip netns exec "$CNS" ip addr flush dev "dtc$N"

# INIT-REBOOT: dhclient asks for its recorded address first and gets it back
run_dhclient 2
sed -n 2p "$D/hook.out" | grep -q "^REBOOT ip=10.$N.0.100 " || fail "INIT-REBOOT: $(sed -n 2p "$D/hook.out")"
grep -q "DHCPREQUEST for 10.$N.0.100 on" "$D/dhclient.log" || fail "no INIT-REBOOT request"
stop_dhclient

# RELEASE (dhclient -r) is recorded in the lease table
ip netns exec "$CNS" dhclient -4 -r -cf "$D/dhclient.conf" -lf "$D/dhclient.leases" \
	-pf "$D/dhclient.pid" -sf "$D/hook.sh" "dtc$N" >/dev/null 2>&1
sleep 0.5
dt dhcp leases | grep -q "^10.$N.0.100 .* released " || fail "release not recorded: $(dt dhcp leases)"

sleep 0.5
kill "$TPID"
wait "$TPID" 2>/dev/null
PIDS=
n=$(tshark -r "$D/cap.pcap" -Y "dhcp.option.dhcp == 2 || dhcp.option.dhcp == 5" 2>/dev/null | wc -l)
[ "$n" -ge 3 ] || fail "tshark saw $n OFFER/ACK"
bad=$(tshark -r "$D/cap.pcap" -Y "_ws.malformed || _ws.expert.severity >= warning" 2>/dev/null | wc -l)
[ "$bad" = 0 ] || fail "tshark flags $bad packets"
# RFC 2131 §4.1: no broadcast flag, no address yet → the OFFER goes to chaddr and yiaddr
tshark -r "$D/cap.pcap" -Y "dhcp.option.dhcp == 2" -T fields -e ip.dst -e eth.dst -e dhcp.hw.mac_addr \
	2>/dev/null | head -1 >"$D/offer.txt"
read -r dst ethdst chaddr <"$D/offer.txt"
[ "$dst" = "10.$N.0.100" ] && [ "$ethdst" = "$chaddr" ] || fail "OFFER sent to $dst/$ethdst, chaddr $chaddr"
tshark -r "$D/cap.pcap" -Y "dhcp.option.dhcp == 5" -T fields -e dhcp.option.tftp_server_address \
	2>/dev/null | head -1 | grep -q "10.$N.0.5,10.$N.0.6" || fail "tshark does not decode option 150"
echo "ok"
