#!/bin/sh
# summary: DHCP benchmark, side by side in one run: dialtone (one transaction per lease change,
# and group commit every 10 ms), Kea kea-dhcp4 (memfile, persist on and off) and dnsmasq (lease
# file on and off) under the same perfdhcp relay-mode load. Servers run in one network namespace,
# perfdhcp (acting as the relay, giaddr 10.59.0.2) in another, joined by a veth pair: dnsmasq
# binds 0.0.0.0:67 for DHCP, so perfdhcp, which binds its relay address on port 67, cannot share
# a loopback with it.
#
# For each server a rate ladder (BENCH_DHCP_RATES, default 1000 4000 8000 10000 DORA/s, each
# BENCH_DHCP_SECS=2 s with new clients) stops at the first step with drops. Reported per step:
# the rate perfdhcp achieved, drops, and server CPU (utime+stime of all its threads from
# /proc/PID/stat) per DORA and per 10,000 DORAs. Then ratios against Kea at equal persistence at
# 1000/s and at the highest rate both kept without drops, and dialtone's resident memory after
# 100,000 leases. Logging: WARN for dialtone and Kea (both log each lease at INFO). Bounded: ~2.5
# minutes. Needs root, perfdhcp, kea-dhcp4, dnsmasq.
set -u
cd "$(dirname "$0")/.." || exit 1
DIALTONE=${DIALTONE:-$(pwd)/build/dialtone}
RATES=${BENCH_DHCP_RATES:-1000 4000 8000 10000}
SECS=${BENCH_DHCP_SECS:-2}
N=59
SRV=10.$N.0.1
REL=10.$N.0.2
NS=dtbench$$
CNS=${NS}c
W=$(mktemp -d /tmp/dt-bench-dhcp.XXXXXX)
SPID=
HZ=$(getconf CLK_TCK)

cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	for p in $(ip netns pids "$NS" 2>/dev/null) $(ip netns pids "$CNS" 2>/dev/null); do
		kill "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	ip netns del "$CNS" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
skip() { echo "bench_dhcp: skipped: $1"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root (ip netns)"
for p in perfdhcp kea-dhcp4 dnsmasq; do command -v $p >/dev/null || skip "missing $p"; done
[ -x "$DIALTONE" ] || skip "build/dialtone missing (make)"
ip netns add "$NS" || skip "cannot create a namespace"
ip netns add "$CNS" || skip "cannot create a namespace"
ip link add "dtbs$$" type veth peer name "dtbc$$" || skip "cannot create a veth pair"
ip link set "dtbs$$" netns "$NS" name dtbs
ip link set "dtbc$$" netns "$CNS" name dtbc
ip -n "$NS" link set lo up
ip -n "$NS" link set dtbs up
ip -n "$NS" addr add "$SRV/8" dev dtbs
ip -n "$CNS" link set lo up
ip -n "$CNS" link set dtbc up
ip -n "$CNS" addr add "$REL/8" dev dtbc
nsx() { ip netns exec "$CNS" "$@"; }
ticks() { awk '{print $14 + $15}' "/proc/$SPID/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$SPID/status"; }

start_dialtone() {
	d=$W/dt-$1
	mkdir -p "$d"
	printf '[dhcp]\npersist_batch_ms = %s\n' "$1" >"$d/dialtone.conf"
	"$DIALTONE" --data "$d" dhcp subnet add 10.0.0.0/8 --pool 10.100.0.1-10.163.255.254 \
		--router 10.$N.0.254 --lease-time 3600 >/dev/null || exit 1
	ip netns exec "$NS" "$DIALTONE" --data "$d" serve --only dhcp --listen "$SRV" \
		--log-level warn --log-file "$d/log" &
	SPID=$!
}
start_kea() {
	d=$W/kea-$1
	mkdir -p "$d"
	sed "s|@PERSIST@|$1|; s|@DIR@|$d|g; s|@IFACE@|dtbs/$SRV|" bench/peers/kea-dhcp4.json.in >"$d/kea.json"
	ip netns exec "$NS" env KEA_PIDFILE_DIR="$d" KEA_LOCKFILE_DIR="$d" kea-dhcp4 -c "$d/kea.json" >"$d/out" 2>&1 &
	SPID=$!
}
start_dnsmasq() {
	d=$W/dnsmasq-$1
	mkdir -p "$d"
	if [ "$1" = file ]; then lf="--dhcp-leasefile=$d/leases"; else lf="--leasefile-ro"; fi
	ip netns exec "$NS" dnsmasq -k -C /dev/null --port=0 --interface=dtbs --no-ping \
		--dhcp-authoritative --dhcp-lease-max=2000000 "$lf" \
		--dhcp-range=10.100.0.1,10.163.255.254,255.0.0.0,3600 --dhcp-option=3,10.$N.0.254 \
		--pid-file="$d/pid" --log-facility="$d/log" --quiet-dhcp &
	SPID=$!
}
stop_server() {
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=
}

# ladder NAME: prints one line per step; remembers results in $W/NAME.res
MACN=0
ladder() {
	name=$1
	: >"$W/$name.res"
	for r in $RATES; do
		MACN=$((MACN + 1))
		t0=$(ticks)
		nsx perfdhcp -4 -W 1000000 -l "$REL" -r "$r" -R 10000000 -p "$SECS" \
			-b "mac=02:$(printf %02x $MACN):00:00:00:00" "$SRV" >"$W/perf.out" 2>&1
		t1=$(ticks)
		rate=$(sed -n 's/^Rate: \([0-9.]*\).*/\1/p' "$W/perf.out" | head -n 1)
		acks=$(sed -n '/REQUEST-ACK/,$ s/^received packets: //p' "$W/perf.out" | head -n 1)
		drops=$(sed -n 's/^drops: //p' "$W/perf.out" | awk '{s += $1} END {print s + 0}')
		[ -n "$acks" ] && [ "$acks" -gt 0 ] || acks=0
		us=$(awk -v t=$((t1 - t0)) -v hz="$HZ" -v n="$acks" 'BEGIN {
			if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "-" }')
		per10k=$(awk -v t=$((t1 - t0)) -v hz="$HZ" -v n="$acks" 'BEGIN {
			if (n > 0) printf "%.3f", t / hz * 10000 / n; else print "-" }')
		printf '%-22s offered %6s/s  achieved %8s/s  DORAs %7s  drops %6s  CPU %6s us/DORA  %6s s/10k\n' \
			"$name" "$r" "${rate:-0}" "$acks" "$drops" "$us" "$per10k"
		echo "$r ${rate:-0} $acks $drops $us" >>"$W/$name.res"
		[ "$drops" = 0 ] || break
	done
}

# best NAME: "rate us" of the highest step without drops
best() { awk '$4 == 0 {r = $2; u = $5} END {print (r ? r : 0), (u ? u : "-")}' "$W/$1.res"; }
at_first() { awk 'NR == 1 {print $5}' "$W/$1.res"; }

echo "bench_dhcp: perfdhcp relay mode, ${SECS}s per step, rates: $RATES (CPU: /proc utime+stime)"
start_dialtone 0
sleep 1
rss0=$(rss_kb)
ladder dialtone-per-change
# memory: fill to 100,000 leases in all, then read the resident size
have=$("$DIALTONE" --data "$W/dt-0" dhcp leases --json | grep -c '"ip":')
need=$((100000 - have))
if [ "$need" -gt 0 ]; then
	nsx perfdhcp -4 -W 1000000 -l "$REL" -r 8000 -R 10000000 -n "$need" \
		-b "mac=02:ff:00:00:00:00" "$SRV" >"$W/perf.out" 2>&1
fi
leases=$("$DIALTONE" --data "$W/dt-0" dhcp leases --json | grep -c '"ip":')
rss1=$(rss_kb)
stop_server
start_dialtone 10
sleep 1
ladder dialtone-batch-10ms
stop_server
for p in true false; do
	start_kea "$p"
	sleep 1.5
	ladder "kea-persist-$p"
	stop_server
done
for m in file nofile; do
	start_dnsmasq "$m"
	sleep 1
	ladder "dnsmasq-$m"
	stop_server
done

echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
echo "summary (CPU per DORA; ratio = dialtone / peer; target <= 0.50 vs Kea at equal persistence)"
for pair in "dialtone-per-change kea-persist-true" "dialtone-batch-10ms kea-persist-true" \
	"dialtone-per-change kea-persist-false" "dialtone-batch-10ms kea-persist-false" \
	"dialtone-per-change dnsmasq-file" "dialtone-per-change dnsmasq-nofile"; do
	set -- $pair
	b1=$(best "$1")
	b2=$(best "$2")
	printf '%-20s vs %-18s  at 1000/s: %6s vs %6s us  ratio %5s | highest no-drop rate %8s vs %8s/s, CPU %6s vs %6s us  ratio %5s\n' \
		"$1" "$2" "$(at_first "$1")" "$(at_first "$2")" "$(ratio "$(at_first "$1")" "$(at_first "$2")")" \
		"${b1% *}" "${b2% *}" "${b1#* }" "${b2#* }" "$(ratio "${b1#* }" "${b2#* }")"
done
echo "dialtone memory: RSS $rss0 kB at start, $rss1 kB with $leases leases (+$(( (rss1 - rss0) / 1024 )) MiB for the leases; target < 32 MiB)"
