#!/bin/sh
# summary: SIP benchmarks, each side by side with its peer in one run, printing ratios:
#  1. parser: messages/CPU-s, dialtone codec vs libosip2 (bench_sip_parse.c);
#  2. memory per binding at 100,000 bindings (bench_sip_mem.c, target < 1 KiB);
#  3. registrar: server CPU seconds per 100,000 REGISTERs under the same sipp scenario and rate,
#     over UDP and TCP, with and without digest, for four servers side by side:
#       floor     bench/sip_floor.c: receives, echoes the headers, sends a canned 200/401; no
#                 registrar. What any server pays per message on this machine (kernel, wake-ups).
#       dialtone  `dialtone serve --only sip` (persistence on: batched SQLite writes).
#       kam-qm    Kamailio as Debian runs it (registrar + usrloc in memory, bench/peers/kamailio.cfg;
#                 its default "qm" allocator).
#       kam-tlsf  the same Kamailio started with `-x tlsf`, its O(1) allocator (the fastest
#                 configuration we found; qm spends most of its time in qm_malloc in the storm row).
#     Ratios are peer ÷ dialtone; "reach" says whether the target (≤ half the peer's CPU) is
#     reachable at all: the floor itself must be below half the peer's CPU.
#  4. highest rate each sustains: the refresh scenario over UDP at growing rates, one run each,
#     until the server fails calls or sipp (on the same 2 cores) cannot offer the rate.
# CPU is utime+stime from /proc of each server (Kamailio: all its processes), never wall time.
# Every row starts every server fresh (dialtone from the same provisioned database, no bindings),
# registers every line once in an unmeasured warm-up, then alternates the servers REPEAT times.
# Why: a server's cost depends on what earlier rows left (Kamailio's storm row costs 2.7x less
# when each AOR still holds a second contact from an earlier TCP row).
# Scenarios: phone-like (one registration then 4 refreshes on its Call-ID with growing CSeq, the
# steady state of a cluster; digest: a 401 round before each) over UDP and TCP; plus one
# boot-storm row (a new Call-ID per REGISTER: every one a new registration with its history row).
# Rates are REGISTER requests per second (401-answered ones included).
# Bounded: every sipp run stops after COUNT calls or its -timeout. Env: RATES (default
# "2000 20000"), SECS per run (default 3), LINES (default 5000), REPEAT (default 3),
# LADDER (default "20000 40000 60000 80000 100000 120000"; empty skips part 4).
# sipp gets 4 MiB socket buffers (-buff_size): with the default 208 KiB its own socket dropped
# answers above 40,000/s (RcvbufErrors), which then measured sipp, not the server.
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

echo "== SIP registrar CPU: floor, dialtone, Kamailio (qm and tlsf)"
for t in sipp kamailio; do
	command -v $t >/dev/null 2>&1 || { echo "skip: $t missing (tools/deps.txt)"; exit 0; }
done
[ -x build/dialtone ] || { echo "skip: build/dialtone missing (make)"; exit 0; }
cc -O2 -std=gnu11 -D_GNU_SOURCE bench/sip_floor.c -lpthread -o "$B/sip_floor" ||
	{ echo "bench: sip_floor does not build"; exit 1; }
D=$(mktemp -d /tmp/dt-bench-sip.XXXXXX)
SERVERS="floor dialtone kam-qm kam-tlsf"
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
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
mkdir -p "$D/db"
build/dialtone --data "$D/db" import "$D/phones.csv" >/dev/null || { echo "bench: import failed"; exit 1; }
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

addr_of() {
	case "$1" in floor) echo 127.0.70.4 ;; dialtone) echo 127.0.70.1 ;; kam-qm) echo 127.0.70.2 ;;
	kam-tlsf) echo 127.0.70.5 ;; esac
}
# start SERVER AUTH(yes|no): sets START_PID (not printed: a server started inside $(...) would
# not be this shell's child, and `wait` could not tell when it is gone). dialtone gets a fresh copy of the provisioned
# database (no bindings from an earlier row).
start() {
	a=$(addr_of "$1")
	case "$1" in
	floor)
		if [ "$2" = yes ]; then fa=-a; else fa=; fi
		"$B/sip_floor" $fa "$a" 5060 >"$D/floor.log" 2>&1 &
		;;
	dialtone)
		rm -rf "$D/dt" && cp -a "$D/db" "$D/dt"
		build/dialtone --data "$D/dt" serve --only sip --listen "$a" --log-level error \
			--log-file "$D/dt.log" >"$D/dt.out" 2>&1 &
		;;
	kam-*)
		if [ "$2" = yes ]; then ka="-A WITH_AUTH"; else ka=; fi
		if [ "$1" = kam-tlsf ]; then kx="-x tlsf"; else kx=; fi
		mkdir -p "$D/$1"
		kamailio -f bench/peers/kamailio.cfg -DD -E $ka $kx -l "udp:$a:5060" -l "tcp:$a:5060" \
			-m 256 -M 16 -Y "$D/$1" -P "$D/$1/km.pid" >"$D/$1.log" 2>&1 &
		;;
	esac
	START_PID=$!
}

# run PID ADDR SCENARIO CSV TRANSPORT RATE PORT COUNT → prints "cpu-seconds requests failed";
# RATE is REGISTERs/s: sipp's call rate is RATE / (REGISTERs per call). COUNT calls (default
# SECS worth).
run() {
	per=1
	case "$3" in register_auth_refresh.xml) per=10 ;; register_refresh.xml) per=5 ;;
	register_auth.xml) per=2 ;; esac
	cps=$(($6 / per))
	n=${8:-$((cps * SECS))}
	c0=$(cpu_tree "$1")
	rm -f "$D/stat.csv"
	sipp -sf "tests/peers/sipp/$3" -inf "$D/$4" -t "$5" -i 127.0.70.3 -p "$7" -r "$cps" -m "$n" \
		-l 2000 -buff_size 4194304 -timeout $((SECS * 4 + 10)) -trace_stat -stf "$D/stat.csv" \
		"$2:5060" \
		>"$D/sipp.out" 2>&1 </dev/null
	c1=$(cpu_tree "$1")
	awk -F';' -v c0="$c0" -v c1="$c1" -v req=$((n * per)) -v per=$per '
		NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "FailedCall(C)") fc = i;
			  if ($i == "SuccessfulCall(C)") sc = i } }
		NR > 1 { f = $fc; ok = $sc; split($1, a, "\t"); split($3, b, "\t"); secs = b[3] - a[3] }
		END { printf "%.3f %d %d %d %.2f\n", c1 - c0, req, f + 0, ok * per, secs }' \
		"$D/stat.csv" 2>/dev/null || echo "0 $((n * per)) $n 0 0"
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf '%-8s %-4s %-6s %6s | %6s | %8s %4s | %8s %4s | %8s %4s | %6s %6s | %s\n' scenario tr \
	digest rate floor dialtone fail kam-qm fail kam-tlsf fail qm/dt tlsf/dt "reach (floor<=peer/2)"
# row SCENARIO LABEL CSV TRANSPORT RATE AUTH
row() {
	case "$4" in t1) port=6002 ;; *) port=6001 ;; esac
	for sv in $SERVERS; do
		start $sv "$6"
		eval "pid_${sv#kam-}=$START_PID"
		eval "cpu_${sv#kam-}= fail_${sv#kam-}=0"
	done
	PIDS="$pid_floor $pid_dialtone $pid_qm $pid_tlsf"
	sleep 1.5
	for sv in $SERVERS; do # warm-up: every line registered once from this row's port
		eval "p=\$pid_${sv#kam-}"
		run "$p" "$(addr_of $sv)" "$1" "$3" "$4" "$5" $port "$LINES" >/dev/null
	done
	for _ in $(seq 1 "$REPEAT"); do
		for sv in $SERVERS; do
			eval "p=\$pid_${sv#kam-}"
			set -- $(run "$p" "$(addr_of $sv)" "$1" "$3" "$4" "$5" $port) "$@"
			k=${sv#kam-}
			eval "cpu_$k=\"\$cpu_$k $(echo "$1 $2" | awk '{ printf "%.3f", $1 * 100000 / $2 }')\""
			eval "fail_$k=\$((fail_$k + $3))"
			shift 5
		done
	done
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	PIDS=
	f=$(echo "$cpu_floor" | median)
	d=$(echo "$cpu_dialtone" | median)
	q=$(echo "$cpu_qm" | median)
	t=$(echo "$cpu_tlsf" | median)
	printf '%-8s %-4s %-6s %6s | %6s | %8s %4s | %8s %4s | %8s %4s | %6s %6s | %s\n' "$2" "${4%1}" \
		"$6" "$5" "$f" "$d" "$fail_dialtone" "$q" "$fail_qm" "$t" "$fail_tlsf" \
		"$(echo "$d $q" | awk '{ printf "%.2fx", ($1 > 0 ? $2 / $1 : 0) }')" \
		"$(echo "$d $t" | awk '{ printf "%.2fx", ($1 > 0 ? $2 / $1 : 0) }')" \
		"$(echo "$f $q $t" | awk '{ printf "qm %s, tlsf %s", ($1 <= $2 / 2 ? "yes" : "no"), ($1 <= $3 / 2 ? "yes" : "no") }')"
}
top=$(echo "$RATES" | awk '{ print $NF }')
for rate in $RATES; do
	for tr in u1 t1; do
		row register_refresh.xml refresh plain.csv $tr "$rate" no
	done
done
row register.xml storm plain.csv u1 "$top" no
for rate in $RATES; do
	for tr in u1 t1; do
		row register_auth_refresh.xml refresh auth.csv $tr "$rate" yes
	done
done

LADDER=${LADDER-"20000 40000 60000 80000 100000 120000"}
[ -n "$LADDER" ] || exit 0
echo "== highest rate sustained: refresh over UDP, one run of ${SECS} s per step (offered = requested"
echo "   REGISTER/s, done = answered 200 per second of sipp's elapsed time, fail = failed calls,"
echo "   + = sustained: no failed call and done >= 95 % of offered; the ladder stops at the first -)"
printf '%-9s' server
for rate in $LADDER; do printf ' | %-22s' "$rate/s: done fail"; done
echo
for sv in $SERVERS; do
	start $sv no
	p=$START_PID
	PIDS=$p
	sleep 1.5
	run "$p" "$(addr_of $sv)" register_refresh.xml plain.csv u1 20000 6001 "$LINES" >/dev/null
	printf '%-9s' "$sv"
	for rate in $LADDER; do
		set -- $(run "$p" "$(addr_of $sv)" register_refresh.xml plain.csv u1 "$rate" 6001)
		done_rate=$(echo "$4 $5" | awk '{ printf "%.0f", ($2 > 0 ? $1 / $2 : 0) }')
		# sustained: no failed call and at least 95 % of the offered rate answered
		ok=$(echo "$done_rate $rate $3" | awk '{ print ($3 == 0 && $1 >= 0.95 * $2) ? "+" : "-" }')
		printf ' | %-22s' "$done_rate $3 $ok"
		[ "$ok" = + ] || break
	done
	echo
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	PIDS=
done
