#!/bin/sh
# summary: cost of keeping the registrar's provisioning cache current at PHONES phones (default
# 100,000, one DN each): CPU and blocked-loop time of the SIP service's database-change hook for a
# one-device change (incremental: that device re-read) and for a change to an unused SIP profile
# (full reload: what every change cost before the change log was used). Medians of REPEAT (5).
# Figures come from the service's own debug line ("provisioning cache updated|reloaded in N us
# (cpu N us)", CLOCK_PROCESS_CPUTIME_ID around the hook), so file generation in the same process
# is not counted. Bounded: about a minute, mostly the import.
set -u
cd "$(dirname "$0")/.." || exit 1
PHONES=${PHONES:-100000}
REPEAT=${REPEAT:-5}
ADDR=127.0.97.1
[ -x build/dialtone ] || { echo "skip: build/dialtone missing (make)"; exit 0; }
D=$(mktemp -d /tmp/dt-bench-sipprov.XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT INT TERM

echo "== SIP provisioning cache update at $PHONES phones"
awk -v n="$PHONES" 'BEGIN {
	print "mac,name,model,pool,description,security,load,ip,digest_user,user_locale,network_locale,sip_profile,common_profile,softkey_template,dial_rules,line1_dn,line1_display,line1_label,line1_auth_user,line1_password"
	for (i = 0; i < n; i++)
		printf "0000CC%06X,SEP0000CC%06X,8851,Default,,non-secure,,,,,,,,,,%d,,,,pw\n", i, i, 300000 + i
}' >"$D/phones.csv"
build/dialtone --data "$D" import "$D/phones.csv" >/dev/null || { echo "bench: import failed"; exit 1; }
build/dialtone --data "$D" sipprofile add bench-unused >/dev/null || { echo "bench: sipprofile failed"; exit 1; }
build/dialtone --data "$D" serve --only sip --listen $ADDR --log-level debug --log-file "$D/dt.log" \
	>"$D/dt.out" 2>&1 &
PID=$!
i=0
until grep -q "registrar on" "$D/dt.log" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 300 ] && { echo "bench: serve did not start"; tail -5 "$D/dt.out"; exit 1; }
	sleep 0.1
done

# wait_line WORD N: wait until the log holds N lines "provisioning cache WORD"; print the last one
wait_line() {
	i=0
	while [ "$(grep -c "provisioning cache $1 in" "$D/dt.log")" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -gt 600 ] && { echo "bench: no '$1' line" >&2; exit 1; }
		sleep 0.05
	done
	grep "provisioning cache $1 in" "$D/dt.log" | tail -n 1
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

upd_wall= upd_cpu= full_wall= full_cpu=
for k in $(seq 1 "$REPEAT"); do
	build/dialtone --data "$D" device set SEP0000CC000007 --description "bench $k" >/dev/null
	l=$(wait_line updated "$k")
	upd_wall="$upd_wall $(echo "$l" | sed 's/.* in \([0-9]*\) us.*/\1/')"
	upd_cpu="$upd_cpu $(echo "$l" | sed 's/.*(cpu \([0-9]*\) us).*/\1/')"
	build/dialtone --data "$D" sipprofile set bench-unused --register-delta $((k + 5)) >/dev/null
	l=$(wait_line reloaded "$k")
	full_wall="$full_wall $(echo "$l" | sed 's/.* in \([0-9]*\) us.*/\1/')"
	full_cpu="$full_cpu $(echo "$l" | sed 's/.*(cpu \([0-9]*\) us).*/\1/')"
done
m() { echo "$1" | tr ' ' '\n' | grep -v '^$' | median; }
printf '%-34s %12s %12s\n' "change (median of $REPEAT)" "cpu us" "loop us"
printf '%-34s %12s %12s\n' "one device: incremental" "$(m "$upd_cpu")" "$(m "$upd_wall")"
printf '%-34s %12s %12s\n' "unused SIP profile: full reload" "$(m "$full_cpu")" "$(m "$full_wall")"
echo "$(m "$full_cpu") $(m "$upd_cpu")" | awk '{ if ($2 > 0) printf "full reload / incremental (cpu): %.0fx\n", $1 / $2 }'
