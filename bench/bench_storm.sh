#!/bin/sh
# summary: boot-storm benchmark: `dialtone storm` of N phones (default 1,000 then 10,000) against
# one `dialtone serve`, then the same storm against kea-dhcp4 + in.tftpd (tftpd-hpa) + nginx on
# 6970 + Kamailio serving the same generated files, in one run; prints time until all registered,
# phones/s, server CPU seconds per 1,000 phones (from /proc), peak memory of servers and storm,
# and the peer/dialtone ratio. Then the growth over SIP/UDP (transportLayerProtocol 2, set with
# `sipprofile set --transport udp`) for dialtone alone: 10,000 and 50,000 phones by default. Over
# UDP the server holds no socket per phone; the storm spreads over worker processes by itself
# when N is above what one process's open-file limit holds (`storm --procs`, said on stderr).
#
# Everything runs inside a network namespace this script creates (dt-storm-bench), so kea can
# bind an address it needs on `lo` and nothing touches the host's loopback; the namespace and
# every process started here are removed on exit. Bounded: each storm has --max-seconds.
# Usage: sh bench/bench_storm.sh [N ...]   (env: STORM_RATE (default: all phones at once),
# STORM_RETRIES, STORM_PEERS=0 to run dialtone only, STORM_KEEP=1 keeps the work directory,
# STORM_UDP_SIZES (default "10000 50000";
# "" = none), STORM_UDP_RATE (starts/s of the UDP rows; default all at once, as the TCP rows),
# DIALTONE)
set -u
: "${DIALTONE:=build/dialtone}"
DIALTONE=$(cd "$(dirname "$DIALTONE")" && pwd)/$(basename "$DIALTONE")
SIZES=${*:-1000 10000}
RATE=${STORM_RATE:-}
RETRIES=${STORM_RETRIES:-6}
PEERS_ON=${STORM_PEERS:-1}
UDP_SIZES=${STORM_UDP_SIZES-10000 50000}
UDP_RATE=${STORM_UDP_RATE-}
NS=dt-storm-bench
ADDR=127.0.78.1
RELAY=127.1.0.1
PEERS=$(cd "$(dirname "$0")/peers" && pwd)
W=$(mktemp -d /tmp/dt-bench-storm.XXXXXX)
PIDS=

skip() { echo "bench_storm: skipped: $1"; exit 0; }
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	if [ "${STORM_KEEP:-0}" = 1 ]; then echo "bench_storm: kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || skip "needs root (network namespace)"
for b in kea-dhcp4 in.tftpd nginx kamailio curl; do
	command -v "$b" >/dev/null 2>&1 || skip "missing $b (apt-get install -y kea-dhcp4-server tftpd-hpa nginx kamailio curl)"
done
[ -x "$DIALTONE" ] || skip "build $DIALTONE first"
ip netns del "$NS" 2>/dev/null
ip netns add "$NS" || skip "cannot create a network namespace"
IN="ip netns exec $NS"
$IN ip link set lo up
$IN ip addr add "$ADDR/32" dev lo # kea binds only addresses configured on an interface

# cpu PID...: user+system seconds of these processes and their children (/proc, clock ticks).
cpu() {
	hz=$(getconf CLK_TCK)
	all=$*
	for p in $*; do all="$all $(pgrep -P "$p" 2>/dev/null)"; done
	t=0
	for p in $all; do
		[ -r "/proc/$p/stat" ] || continue
		v=$(awk '{print $14 + $15}' "/proc/$p/stat")
		t=$((t + v))
	done
	echo "$t $hz" | awk '{printf "%.2f", $1 / $2}'
}
# rss PID...: sum of peak resident KB (VmHWM) of these processes and their children.
rss() {
	all=$*
	for p in $*; do all="$all $(pgrep -P "$p" 2>/dev/null)"; done
	for p in $all; do awk '/VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null; done |
		awk '{s += $1} END {printf "%d", s / 1024}'
}
wait_port() { # PROTO PORT
	for _ in $(seq 1 100); do
		if [ "$1" = tcp ]; then $IN ss -Hltn "src $ADDR:$2" | grep -q . && return 0
		else $IN ss -Hlun "src $ADDR:$2" | grep -q . && return 0; fi
		sleep 0.1
	done
	echo "bench_storm: nothing listens on $ADDR $1/$2"
	exit 1
}
# storm N LABEL [RATE]: run the storm in the namespace; prints "seconds phones_per_s registered
# failed storm_MB procs storm_cpu_s" from its table (storm_MB: the sum of the workers' peaks with
# --procs; storm CPU: user+system of the storm and its workers, from /usr/bin/time).
storm() {
	r=${3-$RATE}
	# Bounded: 60 s, plus N/R when starts are paced (the storm's own default bound).
	b=$(echo "$1 ${r:-0}" | awk '{printf "%d", 60 + ($2 > 0 ? $1 / $2 : 0)}')
	$IN sh -c "ulimit -n 65536 2>/dev/null; exec /usr/bin/time -f 'maxrss %M cpu %U %S' \"$DIALTONE\" storm \
		--phones $1 --server $ADDR --relay $RELAY ${r:+--rate $r} --retries $RETRIES \
		--timeout 1000 --max-seconds $b" >"$W/storm-$2-$1.txt" 2>&1
	awk '/^phones:/ {reg = $4; fail = $6}
	     /time until the last phone registered/ {t = $7}
	     /^phones per second/ {ps = $NF}
	     /^processes:/ {procs = $2; wmb = $(NF - 1)}
	     /^maxrss/ {mb = $2 / 1024; cpu = $4 + $5}
	     END {if (procs > 1) mb = wmb + mb; else procs = 1
		  printf "%s %s %s %s %d %d %.1f", t, ps, reg, fail, mb, procs, cpu}' "$W/storm-$2-$1.txt"
}

# The cluster: one node, one subnet for the relay, N phones by bulk import (docs/csv.md).
setup_data() { # N [udp]
	D=$W/dt-$1${2:-}
	mkdir -p "$D"
	"$DIALTONE" --data "$D" node add cm1 --address "$ADDR" >/dev/null &&
		"$DIALTONE" --data "$D" cmgroup add-member Default cm1 --priority 0 >/dev/null &&
		"$DIALTONE" --data "$D" dhcp subnet add 127.1.0.0/16 --pool 127.1.0.10-127.1.255.250 \
			--tftp "$ADDR" --router "$RELAY" >/dev/null || { echo "bench_storm: setup failed"; exit 1; }
	awk -v n="$1" 'BEGIN {
		print "mac,name,model,pool,description,security,load,ip,digest_user,user_locale,network_locale,sip_profile,common_profile,softkey_template,dial_rules,line1_dn,line1_display,line1_label,line1_auth_user,line1_password"
		for (i = 0; i < n; i++)
			printf "02DA7E%06X,SEP02DA7E%06X,8851,Default,storm %d,non-secure,,,,,,Standard SIP Profile,Standard Common Phone Profile,Standard User,,%d,Storm %d,,,storm-%d\n", i, i, i, 200000 + i, i, i
	}' >"$W/phones-$1.csv"
	"$DIALTONE" --data "$D" import "$W/phones-$1.csv" >/dev/null || { echo "bench_storm: import failed"; exit 1; }
	if [ "${2:-}" = udp ]; then
		"$DIALTONE" --data "$D" sipprofile set "Standard SIP Profile" --transport udp \
			>/dev/null || { echo "bench_storm: sipprofile set failed"; exit 1; }
	fi
}

run_dialtone() { # N [udp]
	D=$W/dt-$1${2:-}
	$IN sh -c "ulimit -n 65536 2>/dev/null; exec \"$DIALTONE\" --data \"$D\" serve --listen $ADDR \
		--only tftp,http,dhcp,sip --log-level warn --log-file \"$D/serve.log\"" >"$D/serve.out" 2>&1 &
	SP=$!
	PIDS="$PIDS $SP"
	wait_port tcp 5060
	wait_port tcp 6970
	sleep 0.5
	c0=$(cpu $SP)
	if [ "${2:-}" = udp ]; then
		DT_RES=$(storm "$1" dialtone-udp "$UDP_RATE")
	else
		DT_RES=$(storm "$1" dialtone)
	fi
	c1=$(cpu $SP)
	DT_CPU=$(echo "$c0 $c1" | awk '{printf "%.2f", $2 - $1}')
	DT_MEM=$(rss $SP)
	DT_FD=$(ls "/proc/$SP/fd" 2>/dev/null | wc -l)
	if [ "${2:-}" = udp ]; then # the peer stack is not run for UDP rows: no files to copy
		kill "$SP"
		wait "$SP" 2>/dev/null
		return
	fi
	# The files the phones fetched, as dialtone served them, for the peer stack (same bytes).
	R=$W/root-$1
	mkdir -p "$R"
	awk -F, -v a="$ADDR" -v r="$R" 'NR > 1 {printf "url = \"http://%s:6970/SEP%s.cnf.xml\"\noutput = \"%s/SEP%s.cnf.xml\"\n", a, $1, r, $1}' \
		"$W/phones-$1.csv" >"$W/curl-$1.cfg"
	for f in XMLDefault.cnf.xml SoftKeys.xml Ringlist-wb.xml; do
		printf 'url = "http://%s:6970/%s"\noutput = "%s/%s"\n' "$ADDR" "$f" "$R" "$f" >>"$W/curl-$1.cfg"
	done
	$IN curl -s --fail -K "$W/curl-$1.cfg" || echo "bench_storm: some files could not be copied"
	kill "$SP"
	wait "$SP" 2>/dev/null
}

run_peers() { # N
	R=$W/root-$1
	P=$W/peers-$1
	mkdir -p "$P"
	sed "s|@ADDR@|$ADDR|g" "$PEERS/storm-kea-dhcp4.json" >"$P/kea.json"
	sed "s|@ADDR@|$ADDR|g;s|@RUN@|$P|g;s|@ROOT@|$R|g" "$PEERS/storm-nginx.conf" >"$P/nginx.conf"
	sed "s|@ADDR@|$ADDR|g" "$PEERS/storm-kamailio.cfg" >"$P/kamailio.cfg"
	KEA_PIDFILE_DIR=$P KEA_LOCKFILE_DIR=$P $IN kea-dhcp4 -c "$P/kea.json" >"$P/kea.log" 2>&1 &
	K=$!
	$IN in.tftpd -L -a "$ADDR:69" -s "$R" >"$P/tftpd.log" 2>&1 &
	T=$!
	$IN sh -c "ulimit -n 65536 2>/dev/null; exec nginx -c \"$P/nginx.conf\" -g 'daemon off;'" \
		>"$P/nginx.log" 2>&1 &
	X=$!
	$IN sh -c "ulimit -n 65536 2>/dev/null; exec kamailio -f \"$P/kamailio.cfg\" -DD -E -m 1024 -M 64" \
		>"$P/kamailio.log" 2>&1 &
	M=$!
	PIDS="$PIDS $K $T $X $M"
	wait_port udp 67
	wait_port udp 69
	wait_port tcp 6970
	wait_port tcp 5060
	sleep 0.5
	c0=$(cpu $K $T $X $M)
	PEER_RES=$(storm "$1" peers)
	c1=$(cpu $K $T $X $M)
	PEER_CPU=$(echo "$c0 $c1" | awk '{printf "%.2f", $2 - $1}')
	PEER_MEM=$(rss $K $T $X $M)
	kill $K $T $X $M 2>/dev/null
	for p in $K $T $X $M; do wait "$p" 2>/dev/null; done
}

printf '%-8s %-9s %4s %10s %10s %8s %7s %12s %10s %9s %5s %11s\n' phones stack sip "last reg s" \
	"phones/s" registered failed "srv cpu s/1k" "srv MB" "storm MB" procs "storm cpu s"
for n in $SIZES; do
	setup_data "$n"
	run_dialtone "$n"
	PEER_RES="- - - - - - -"
	PEER_CPU=0
	PEER_MEM=-
	[ "$PEERS_ON" = 1 ] && run_peers "$n"
	set -- $DT_RES
	dt_t=$1
	printf '%-8s %-9s %4s %10s %10s %8s %7s %12s %10s %9s %5s %11s\n' "$n" dialtone tcp "$1" "$2" \
		"$3" "$4" "$(echo "$DT_CPU $n" | awk '{printf "%.3f", $1 * 1000 / $2}')" "$DT_MEM" \
		"$5" "$6" "$7"
	set -- $PEER_RES
	[ "$PEERS_ON" = 1 ] &&
		printf '%-8s %-9s %4s %10s %10s %8s %7s %12s %10s %9s %5s %11s\n' "$n" peers tcp "$1" \
			"$2" "$3" "$4" "$(echo "$PEER_CPU $n" | awk '{printf "%.3f", $1 * 1000 / $2}')" \
			"$PEER_MEM" "$5" 1 "$7"
	for s in dialtone peers; do
		[ -f "$W/storm-$s-$n.txt" ] || continue
		sed -n '/^failed or unfinished by step/,/^Command exited/p' "$W/storm-$s-$n.txt" |
			grep -v '^Command exited' | sed "s/^/  $s: /"
	done
	[ "$PEERS_ON" = 1 ] || continue
	# A stack that did not register every phone within the bound is slower than the bound.
	echo "$n $dt_t $1 $3 $DT_CPU $PEER_CPU" | awk '{
		if ($4 < $1)
			printf "ratio (peers / dialtone) at %d phones: time > %.2fx (peers registered %d of %d within the 60 s bound), server CPU %.2fx\n",
				$1, 60 / $2, $4, $1, ($5 > 0 ? $6 / $5 : 0)
		else
			printf "ratio (peers / dialtone) at %d phones: time %.2fx, server CPU %.2fx\n", $1,
				($2 > 0 ? $3 / $2 : 0), ($5 > 0 ? $6 / $5 : 0) }'
done

# Growth over SIP/UDP, dialtone alone: server fds stay flat (no socket per phone), the storm
# forks workers when one process's open-file limit would not hold N phones.
for n in $UDP_SIZES; do
	setup_data "$n" udp
	run_dialtone "$n" udp
	[ "${STORM_KEEP:-0}" = 1 ] || rm -rf "$W/dt-${n}udp" "$W/phones-$n.csv"
	set -- $DT_RES
	printf '%-8s %-9s %4s %10s %10s %8s %7s %12s %10s %9s %5s %11s\n' "$n" dialtone udp "$1" "$2" \
		"$3" "$4" "$(echo "$DT_CPU $n" | awk '{printf "%.3f", $1 * 1000 / $2}')" "$DT_MEM" \
		"$5" "$6" "$7"
	echo "  dialtone udp $n: server open fds after the storm: $DT_FD; starts: ${UDP_RATE:+$UDP_RATE/s}${UDP_RATE:-all at once}"
	grep '^dialtone: storm:' "$W/storm-dialtone-udp-$n.txt" | sed 's/^/  /'
	sed -n '/^failed or unfinished by step/,/^Command exited/p' "$W/storm-dialtone-udp-$n.txt" |
		grep -v '^Command exited' | sed "s/^/  dialtone-udp: /"
done
