#!/bin/sh
# summary: SIP benchmarks, each side by side with its peer in one run, printing ratios:
#  1. parser: messages/CPU-s, dialtone codec vs libosip2 (bench_sip_parse.c);
#  2. memory per binding at 100,000 bindings (bench_sip_mem.c, target < 1 KiB);
#  3. registrar: server CPU seconds per 100,000 REGISTERs, dialtone vs Kamailio (registrar +
#     usrloc in memory, bench/peers/kamailio.cfg), same sipp scenario and rate, over UDP and TCP,
#     with and without digest; failed calls reported (a row only counts when both had none).
# CPU is utime+stime from /proc of each server (Kamailio: all its processes), never wall time.
# Scenarios: phone-like (one registration then 4 refreshes on its Call-ID with growing CSeq, the
# steady state of a cluster; digest: a 401 round before each) over UDP and TCP; plus one
# boot-storm row (a new Call-ID per REGISTER: every one a new registration with its history row).
# Rates are REGISTER requests per second (401-answered ones included).
# Bounded: every sipp run stops after COUNT calls or its -timeout. Env: RATES (default
# "2000 20000"), SECS per run (default 3), LINES (default 5000), REPEAT (default 3).
set -u
cd "$(dirname "$0")/.." || exit 1
B=build/bench
mkdir -p "$B"
CFLAGS="-O2 -std=gnu11 -D_GNU_SOURCE -Isrc"
RATES=${RATES:-"2000 20000"}
SECS=${SECS:-3}
LINES=${LINES:-5000}
REPEAT=${REPEAT:-3}
DT_ADDR=127.0.70.1
KM_ADDR=127.0.70.2
SIPP_ADDR=127.0.70.3

echo "== SIP parser: dialtone vs libosip2"
if cc $CFLAGS bench/bench_sip_parse.c src/proto/sip/*.c -losipparser2 -lcrypto -o "$B/bench_sip_parse" 2>"$B/cc.log"; then
	"$B/bench_sip_parse" -n20000 tests/vectors/sip/cisco-register-first.txt \
		tests/vectors/sip/cisco-keepalive-backup.txt fuzz/corpus/sip/resp-401.txt \
		../shared/real-world/sip/rfc4475/wsinv.dat
else
	echo "skip: libosip2-dev missing ($(head -n 1 "$B/cc.log"))"
fi

echo "== SIP registrar memory per binding"
cc $CFLAGS bench/bench_sip_mem.c src/sip/*.c src/proto/sip/*.c src/core/mem.c -lcrypto \
	-o "$B/bench_sip_mem" && "$B/bench_sip_mem"

echo "== SIP registrar CPU: dialtone vs Kamailio"
for t in sipp kamailio; do
	command -v $t >/dev/null 2>&1 || { echo "skip: $t missing (tools/deps.txt)"; exit 0; }
done
[ -x build/dialtone ] || { echo "skip: build/dialtone missing (make)"; exit 0; }
D=$(mktemp -d /tmp/dt-bench-sip.XXXXXX)
DT_PID=
KM_PID=
cleanup() {
	for p in $DT_PID $KM_PID; do kill "$p" 2>/dev/null; done
	for p in $DT_PID $KM_PID; do wait "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$D"
}
trap cleanup EXIT INT TERM

# Provisioning: LINES plain lines 100000.. and LINES digest lines 200000.. (password pw).
{
	echo "mac,name,model,pool,description,security,load,ip,digest_user,user_locale,network_locale,sip_profile,common_profile,softkey_template,dial_rules,line1_dn,line1_display,line1_label,line1_auth_user,line1_password"
	i=0
	while [ $i -lt "$LINES" ]; do
		printf '0000AA%06X,SEP0000AA%06X,8851,Default,,non-secure,,,,,,,,,,%d,,,,pw\n' $i $i $((100000 + i))
		printf '0000BB%06X,SEP0000BB%06X,8851,Default,,authenticated,,,,,,,,,,%d,,,,pw\n' $i $i $((200000 + i))
		i=$((i + 1))
	done
} >"$D/phones.csv"
build/dialtone --data "$D" import "$D/phones.csv" >/dev/null || { echo "bench: import failed"; exit 1; }
awk -v n="$LINES" 'BEGIN { print "SEQUENTIAL"; for (i = 0; i < n; i++) print 100000 + i ";x" }' >"$D/plain.csv"
awk -v n="$LINES" 'BEGIN { print "SEQUENTIAL"; for (i = 0; i < n; i++) printf "%d;[authentication username=%d password=pw]\n", 200000 + i, 200000 + i }' >"$D/auth.csv"

# CPU seconds (utime+stime) of a process and all its descendants.
cpu_tree() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" -v hz="$(getconf CLK_TCK)" '
		{ pid = $1; line = $0; sub(/^[0-9]+ \(.*\) /, "", line); split(line, f, " ");
		  ppid[pid] = f[2]; cpu[pid] = f[12] + f[13] }
		END { total = 0; for (p in cpu) { q = p; while (q != "" && q != root && q > 1) q = ppid[q];
			   if (q == root) total += cpu[p] } printf "%.3f", total / hz }'
}

start_dialtone() {
	build/dialtone --data "$D" serve --only sip --listen $DT_ADDR --log-level error \
		--log-file "$D/dt.log" >"$D/dt.out" 2>&1 &
	DT_PID=$!
	sleep 1.5
}
start_kamailio() { # $1: extra args (-A WITH_AUTH)
	kamailio -f bench/peers/kamailio.cfg -DD -E $1 -l udp:$KM_ADDR:5060 -l tcp:$KM_ADDR:5060 \
		-m 256 -M 16 -Y "$D" -P "$D/km.pid" >"$D/km.log" 2>&1 &
	KM_PID=$!
	sleep 1.5
}
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# run SERVER_PID ADDR SCENARIO CSV TRANSPORT RATE PORT → prints "cpu0 cpu1 requests failed";
# RATE is REGISTERs/s: sipp's call rate is RATE / (REGISTERs per call).
run() {
	per=1
	case "$3" in register_auth_refresh.xml) per=10 ;; register_refresh.xml) per=5 ;;
	register_auth.xml) per=2 ;; esac
	cps=$(($6 / per))
	n=$((cps * SECS))
	c0=$(cpu_tree "$1")
	sipp -sf "tests/peers/sipp/$3" -inf "$D/$4" -t "$5" -i $SIPP_ADDR -p "$7" -r "$cps" -m "$n" \
		-l 2000 -timeout $((SECS * 4 + 10)) -trace_stat -stf "$D/stat.csv" "$2:5060" \
		>"$D/sipp.out" 2>&1 </dev/null
	c1=$(cpu_tree "$1")
	failed=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "FailedCall(C)") col = i }
		END { print $col + 0 }' "$D/stat.csv" 2>/dev/null)
	echo "$c0 $c1 $((n * per)) ${failed:-?}"
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf '%-8s %-6s %-6s %6s | %15s %5s | %15s %5s | %s\n' scenario transp digest rate \
	"dialtone s/100k" fail "kamailio s/100k" fail "kamailio/dialtone"
# row SCENARIO LABEL CSV TRANSPORT RATE AUTH
row() {
	dts= kms= dtf=0 kmf=0
	# one fixed client port per transport: each run is the same phones again (refreshing their
	# bindings), not new contacts piling up to the per-AOR bound
	case "$4" in t1) port=6002 ;; *) port=6001 ;; esac
	for _ in $(seq 1 "$REPEAT"); do
		set -- $(run "$DT_PID" $DT_ADDR "$1" "$3" "$4" "$5" $port) "$@"
		dts="$dts $(echo "$1 $2 $3" | awk '{ printf "%.3f", ($2 - $1) * 100000 / $3 }')"
		[ "$4" = 0 ] || dtf=$((dtf + ${4%%[!0-9]*} + 0))
		shift 4
		set -- $(run "$KM_PID" $KM_ADDR "$1" "$3" "$4" "$5" $port) "$@"
		kms="$kms $(echo "$1 $2 $3" | awk '{ printf "%.3f", ($2 - $1) * 100000 / $3 }')"
		[ "$4" = 0 ] || kmf=$((kmf + ${4%%[!0-9]*} + 0))
		shift 4
	done
	d=$(echo "$dts" | median)
	k=$(echo "$kms" | median)
	printf '%-8s %-6s %-6s %6s | %15s %5s | %15s %5s | %s\n' "$2" "${4%1}" "$6" "$5" "$d" "$dtf" \
		"$k" "$kmf" "$(echo "$d $k" | awk '{ if ($1 > 0) printf "%.2fx", $2 / $1; else print "-" }')"
}
for auth in no yes; do
	if [ $auth = yes ]; then ka="-A WITH_AUTH"; else ka=""; fi
	start_dialtone
	start_kamailio "$ka"
	for tr in u1 t1; do
		for rate in $RATES; do
			if [ $auth = yes ]; then
				row register_auth_refresh.xml refresh auth.csv $tr "$rate" yes
			else
				row register_refresh.xml refresh plain.csv $tr "$rate" no
			fi
		done
	done
	if [ $auth = no ]; then
		rate=$(echo "$RATES" | awk '{ print $NF }')
		row register.xml storm plain.csv u1 "$rate" no
	fi
	stop "$DT_PID"; DT_PID=
	stop "$KM_PID"; KM_PID=
done
