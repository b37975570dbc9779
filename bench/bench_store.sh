#!/bin/sh
# summary: device database bulk speed: `dialtone import` of N phones (default 100,000, one line
# each, every third DN shared) against the floor SQLite itself sets — the sqlite3 shell's
# `.import` of the same CSV into one bare indexed table, no validation — in one run; then
# `dialtone export` against the sqlite3 shell writing the same rows as CSV. CPU seconds
# (user+sys of the child, from the shell's `times`), median of 3, and the ratio dialtone / sqlite3.
# Usage: sh bench/bench_store.sh [N]      (docs/benchmarks.md, section "store")
set -u
N=${1:-100000}
DIALTONE=${DIALTONE:-build/dialtone}
command -v sqlite3 >/dev/null 2>&1 || { echo "bench_store: skipped: sqlite3 missing (apt-get install -y sqlite3)"; exit 0; }
[ -x "$DIALTONE" ] || { echo "bench_store: $DIALTONE missing (make)"; exit 1; }
W=$(mktemp -d /tmp/dt-bench-store.XXXXXX)
trap 'rm -rf "$W"' EXIT

awk -v n="$N" 'BEGIN { print "mac,model,description,line1_dn,line1_display,line1_password,line2_dn";
	for (i = 0; i < n; i++)
		printf "0A%010X,8851,\"Phone, %d\",%d,User %d,pw%d,%s\n", i, i, 100000 + i, i, i,
		    (i % 3) ? "" : 900000 + int(i / 3) }' >"$W/in.csv"

# cpu CMD...: CPU seconds (user + sys) the command's processes used.
cpu() {
	( "$@" >/dev/null 2>&1 || echo "bench_store: failed: $*" >&2; times ) | tail -n 1 |
		awk '{ gsub(/[ms]/, " "); split($0, t, " "); print t[1] * 60 + t[2] + t[3] * 60 + t[4] }'
}
median() { sort -n | sed -n 2p; }

peer_import() {
	sqlite3 "$1" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE device (mac TEXT NOT NULL UNIQUE, model TEXT, description TEXT, dn TEXT,
	display TEXT, password TEXT, dn2 TEXT);
.import --csv --skip 1 $W/in.csv device
SQL
}

for r in 1 2 3; do
	rm -rf "$W/d" "$W/p.db"*
	cpu "$DIALTONE" --data "$W/d" import "$W/in.csv" >>"$W/dt_imp"
	cpu peer_import "$W/p.db" >>"$W/sq_imp"
	cpu "$DIALTONE" --data "$W/d" export "$W/out.csv" >>"$W/dt_exp"
	cpu sqlite3 -csv -header "$W/p.db" 'SELECT * FROM device ORDER BY mac' >>"$W/sq_exp"
done
n=$("$DIALTONE" --data "$W/d" device list --json | grep -c '"name"')
[ "$n" = "$N" ] || { echo "bench_store: imported $n devices, want $N"; exit 1; }
di=$(median <"$W/dt_imp") si=$(median <"$W/sq_imp")
de=$(median <"$W/dt_exp") se=$(median <"$W/sq_exp")
printf '%-34s %12s %12s %8s\n' "store, $N phones" "dialtone s" "sqlite3 s" "ratio"
printf '%-34s %12.2f %12.2f %8.1f\n' "import (validated, 1 transaction)" "$di" "$si" \
	"$(echo "$di $si" | awk '{ print ($2 > 0 ? $1 / $2 : 0) }')"
printf '%-34s %12.2f %12.2f %8.1f\n' "export (CSV, lines per phone)" "$de" "$se" \
	"$(echo "$de $se" | awk '{ print ($2 > 0 ? $1 / $2 : 0) }')"
printf '%-34s %12.1f\n' "import µs CPU per phone" "$(echo "$di $N" | awk '{ print $1 * 1e6 / $2 }')"
