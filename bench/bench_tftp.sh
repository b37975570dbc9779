#!/bin/sh
# summary: TFTP side by side in one run: dialtone vs tftpd-hpa (in.tftpd), atftpd and dnsmasq,
# serving the same tree on their own loopback addresses, driven by bench/tftp_load.c.
# (a) a 6 KiB config by 32 concurrent clients at blksize 512 and 1428: transfers/s, server CPU per
#     transfer, p50/p99; (b) a 30 MiB firmware at blksize 512, 1428 and 1428+windowsize 16: MB/s and
#     server CPU per MB. Server CPU = cpuacct cgroup usage (counts in.tftpd's forked children and
#     atftpd's threads). Small-file runs are repeated BENCH_REPS times (default 3); medians shown.
# Usage: sh bench/bench_tftp.sh [BUILD_DIR]   (root; bounded to about 2-3 minutes)
set -u
build=${1:-build}
DT=$(cd "$build" && pwd)/dialtone
N=${BENCH_N:-4000}
REPS=${BENCH_REPS:-3}
CONC=32
CG=/sys/fs/cgroup/cpuacct
S=$(mktemp -d /tmp/dt-bench-tftp.XXXXXX)
chmod 755 "$S"
PIDS=""
CGS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	for c in $CGS; do
		[ -d "$c" ] && rmdir "$c" 2>/dev/null
	done
	rm -rf "$S"
}
trap cleanup EXIT
[ -x "$DT" ] || { echo "bench_tftp: build $DT first"; exit 1; }
[ -w "$CG" ] || { echo "bench_tftp: skipped: needs root and the cpuacct cgroup at $CG"; exit 0; }

cc -O2 -D_GNU_SOURCE -o "$S/tftp_load" bench/tftp_load.c || exit 1
ROOT=$S/dt/tftpboot
mkdir -p "$ROOT"
head -c 6144 /dev/urandom >"$ROOT/cfg6k.xml"
head -c 31457280 /dev/urandom >"$ROOT/fw30m.sbn"
chmod -R a+rX "$S/dt"

# server NAME ADDR CMD...: start CMD in its own cpuacct cgroup.
server() {
	name=$1
	shift
	c="$CG/dt-bench-$name-$$"
	mkdir -p "$c"
	CGS="$CGS $c"
	sh -c 'echo $$ >"$0/cgroup.procs"; shift; exec "$@"' "$c" x "$@" >"$S/$name.out" 2>&1 &
	PIDS="$PIDS $!"
	eval "cg_$name=$c"
}
cpu_ns() { cat "$1/cpuacct.usage"; }

ADDR_dialtone=127.0.48.1
ADDR_tftpdhpa=127.0.48.2
ADDR_atftpd=127.0.48.3
ADDR_dnsmasq=127.0.48.4
names="dialtone"
server dialtone "$DT" --data "$S/dt" serve --only tftp --listen $ADDR_dialtone --tftp-port 69 \
	--log-file "$S/dialtone.log"
if command -v in.tftpd >/dev/null; then
	server tftpdhpa in.tftpd -L -u root -a $ADDR_tftpdhpa:69 -s "$ROOT"
	names="$names tftpdhpa"
fi
if (cd "$S" && apt-get download atftpd >/dev/null 2>&1 && dpkg -x atftpd_*.deb atftpd-root); then
	server atftpd "$S/atftpd-root/usr/sbin/atftpd" --daemon --no-fork --user root --group root \
		--bind-address $ADDR_atftpd --port 69 --maxthread 1000 --logfile "$S/atftpd.log" "$ROOT"
	names="$names atftpd"
fi
if command -v dnsmasq >/dev/null; then
	server dnsmasq dnsmasq -k --conf-file=/dev/null --port=0 --user=root --enable-tftp \
		--tftp-root="$ROOT" --listen-address=$ADDR_dnsmasq --bind-interfaces --tftp-max=1000 \
		--log-facility="$S/dnsmasq.log" --pid-file=
	names="$names dnsmasq"
fi
sleep 1
for n in $names; do
	eval "a=\$ADDR_$n"
	if ! "$S/tftp_load" -s "$a" -f cfg6k.xml -n 5 -c 1 -e 6144 >/dev/null 2>&1; then
		echo "bench_tftp: $n does not serve at $a (dropped): $(tail -n 2 "$S/$n.out")"
		names=$(echo "$names" | sed "s/\b$n\b//")
	fi
done
echo "servers: $names   transfers per run: $N, concurrency $CONC, runs: $REPS (median)"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# run NAME ARGS...: one load run; prints "cpu_us tps p50 p99 client_cpu ok failed wall_s"
run() {
	n=$1
	shift
	eval "a=\$ADDR_$n c=\$cg_$n"
	c0=$(cpu_ns "$c")
	out=$("$S/tftp_load" -s "$a" "$@")
	c1=$(cpu_ns "$c")
	echo "$(((c1 - c0) / 1000)) $(field "$out" tps) $(field "$out" p50_ms) $(field "$out" p99_ms)" \
		"$(field "$out" client_cpu_s) $(field "$out" ok) $(field "$out" failed)" \
		"$(field "$out" wall_s)"
}

echo
echo "(a) 6 KiB file, $CONC concurrent clients"
printf '%-9s %6s %10s %14s %9s %9s %11s %8s\n' server blksize transfers/s "cpu us/xfer" p50_ms \
	p99_ms client_cpu failed
for b in 512 1428; do
	for n in $names; do : >"$S/res-$n-$b"; done
	for r in $(seq 1 "$REPS"); do
		for n in $names; do
			run "$n" -f cfg6k.xml -n "$N" -c $CONC -e 6144 -b $b -T 40 >>"$S/res-$n-$b"
		done
	done
	for n in $names; do
		f="$S/res-$n-$b"
		cpu=$(awk -v N="$N" '{print $1 / ($6 > 0 ? $6 : N)}' "$f" | median)
		tps=$(awk '{print $2}' "$f" | median)
		p50=$(awk '{print $3}' "$f" | median)
		p99=$(awk '{print $4}' "$f" | median)
		cl=$(awk '{print $5}' "$f" | median)
		fl=$(awk '{s += $7} END {print s}' "$f")
		eval "cpu_${n}_$b=$cpu"
		printf '%-9s %6s %10s %14.1f %9s %9s %10ss %8s\n' "$n" $b "$tps" "$cpu" "$p50" "$p99" \
			"$cl" "$fl"
	done
done
echo "ratios, server CPU per transfer (peer / dialtone; > 1 means dialtone uses less):"
for b in 512 1428; do
	eval "d=\$cpu_dialtone_$b"
	for n in $names; do
		[ "$n" = dialtone ] && continue
		eval "p=\$cpu_${n}_$b"
		awk -v p="$p" -v d="$d" -v n="$n" -v b="$b" \
			'BEGIN {printf "  blksize %-5s %-9s %.2fx\n", b, n, (d > 0 ? p / d : 0)}'
	done
done

echo
echo "(b) 30 MiB file, one client"
printf '%-9s %-18s %9s %12s %8s\n' server mode MB/s "cpu ms/MB" failed
for mode in "512:1" "1428:1" "1428:16"; do
	b=${mode%:*}
	w=${mode#*:}
	reps=1
	[ "$w" -gt 1 ] && reps=$REPS
	for n in $names; do
		: >"$S/big-$n"
		for r in $(seq 1 $reps); do
			run "$n" -f fw30m.sbn -n 1 -c 1 -e 31457280 -b "$b" -w "$w" -T 40 >>"$S/big-$n"
		done
		mbs=$(awk '{print ($8 > 0 ? 30 / $8 : 0)}' "$S/big-$n" | median)
		cpu=$(awk '{print $1 / 1000 / 30}' "$S/big-$n" | median)
		fl=$(awk '{s += $7} END {print s}' "$S/big-$n")
		eval "big_${n}_$w=$cpu bigmbs_${n}_$w=$mbs"
		printf '%-9s %-18s %9.1f %12.2f %8s\n' "$n" "blksize $b win $w" "$mbs" "$cpu" "$fl"
	done
done
echo "ratios, windowsize 16 (peer / dialtone): CPU per MB and MB/s"
for n in $names; do
	[ "$n" = dialtone ] && continue
	eval "p=\$big_${n}_16 pm=\$bigmbs_${n}_16"
	awk -v p="$p" -v d="$big_dialtone_16" -v pm="$pm" -v dm="$bigmbs_dialtone_16" -v n="$n" \
		'BEGIN {printf "  %-9s cpu/MB %.2fx   speed dialtone/%s %.2fx\n", n, p / d, n, dm / pm}'
done
echo "dialtone trace lines written: $(grep -c ' sent ' "$S/dialtone.log")"
