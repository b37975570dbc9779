#!/bin/sh
# summary: `dialtone device list` (text and --json) over N phones (default 100,000) that all have
# a registration state row, against the floor SQLite sets: the sqlite3 shell running the same
# device ⋈ state join to CSV. CPU seconds (user+sys of the child, the shell's `times`), median of
# 3, ratio dialtone / sqlite3. With BEFORE=/path/to/old/dialtone the old binary is timed beside.
# Usage: sh bench/bench_device_list.sh [N]      (docs/benchmarks.md, section "store")
set -u
N=${1:-100000}
DIALTONE=${DIALTONE:-build/dialtone}
BEFORE=${BEFORE:-}
command -v sqlite3 >/dev/null 2>&1 || { echo "bench_device_list: skipped: sqlite3 missing (apt-get install -y sqlite3)"; exit 0; }
[ -x "$DIALTONE" ] || { echo "bench_device_list: $DIALTONE missing (make)"; exit 1; }
W=$(mktemp -d /tmp/dt-bench-list.XXXXXX)
trap 'rm -rf "$W"' EXIT

awk -v n="$N" 'BEGIN { print "mac,model,description,line1_dn";
	for (i = 0; i < n; i++) printf "0A%010X,8851,Phone %d,%d\n", i, i, 100000 + i }' >"$W/in.csv"
"$DIALTONE" --data "$W/d" import "$W/in.csv" >/dev/null || { echo "bench_device_list: import failed"; exit 1; }
# Every phone registered once (what the registrar writes after a boot storm); one in ten since
# unregistered. The rows are written directly: the bench measures the listing, not the registrar.
sqlite3 "$W/d/dialtone.db" "INSERT INTO sip_device_state (device, state, reason, ip, port,
	transport, user_agent, last_register, active_load, inactive_load, aor)
	SELECT name, CASE WHEN id % 10 = 0 THEN 2 ELSE 1 END, CASE WHEN id % 10 = 0 THEN 1 ELSE 0 END,
	'10.1.' || (id / 250) % 250 || '.' || (id % 250 + 1), 50000 + id % 10000, 1,
	'Cisco-CP8851/14.2.1', 1795000000 + id, 'sip88xx.14-2-1-0001-14.loads', '', '' FROM device" ||
	{ echo "bench_device_list: cannot write states"; exit 1; }

cpu() {
	( "$@" >/dev/null 2>&1 || echo "bench_device_list: failed: $*" >&2; times ) | tail -n 1 |
		awk '{ gsub(/[ms]/, " "); split($0, t, " "); print t[1] * 60 + t[2] + t[3] * 60 + t[4] }'
}
median() { sort -n | sed -n 2p; }
peer() {
	sqlite3 -csv "$W/d/dialtone.db" "SELECT d.name, d.model, p.name, d.security, d.ip, s.state,
		s.ip, s.port, s.transport, s.user_agent, s.last_register, s.active_load, d.description
		FROM device d JOIN device_pool p ON p.id = d.pool_id
		LEFT JOIN sip_device_state s ON s.device = d.name ORDER BY d.name"
}
for r in 1 2 3; do
	cpu "$DIALTONE" --data "$W/d" device list >>"$W/dt_txt"
	cpu "$DIALTONE" --data "$W/d" device list --json >>"$W/dt_json"
	cpu peer >>"$W/sq"
	if [ -n "$BEFORE" ]; then
		cpu "$BEFORE" --data "$W/d" device list >>"$W/old_txt"
		cpu "$BEFORE" --data "$W/d" device list --json >>"$W/old_json"
	fi
done
# Same output as the old per-phone lookups, when the old binary is given.
if [ -n "$BEFORE" ]; then
	"$DIALTONE" --data "$W/d" device list --json >"$W/new.json"
	"$BEFORE" --data "$W/d" device list --json >"$W/old.json"
	cmp -s "$W/new.json" "$W/old.json" || { echo "bench_device_list: output differs from $BEFORE"; exit 1; }
fi
n=$("$DIALTONE" --data "$W/d" device list | grep -c '^SEP')
[ "$n" = "$N" ] || { echo "bench_device_list: listed $n devices, want $N"; exit 1; }
sq=$(median <"$W/sq")
row() { printf '%-34s %12.2f %12.2f %8.1f\n' "$1" "$2" "$sq" "$(echo "$2 $sq" | awk '{ print ($2 > 0 ? $1 / $2 : 0) }')"; }
printf '%-34s %12s %12s %8s\n' "device list, $N phones" "dialtone s" "sqlite3 s" "ratio"
row "device list (text)" "$(median <"$W/dt_txt")"
row "device list --json" "$(median <"$W/dt_json")"
if [ -n "$BEFORE" ]; then
	row "before: device list (text)" "$(median <"$W/old_txt")"
	row "before: device list --json" "$(median <"$W/old_json")"
fi
