#!/bin/sh
# summary: run every tests/integration/*.sh against BUILD/dialtone; each script exits 0 (pass),
# 77 (skipped: says why on its last line) or anything else (fail).
# Prints the closing line `integration: N passed, N failed, N skipped`.
set -u
build=${1:-build}
DIALTONE=$(cd "$build" && pwd)/dialtone
export DIALTONE
passed=0
failed=0
skipped=0
only=${ONLY:-}
for t in $(ls tests/integration/*.sh 2>/dev/null | sort); do
	case "$t" in *"$only"*) ;; *) continue ;; esac
	log=$(mktemp)
	start=$(date +%s)
	timeout 600 sh "$t" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) passed=$((passed + 1)); echo "ok   $t (${secs}s)" ;;
	77) skipped=$((skipped + 1)); echo "skip $t: $(tail -n 1 "$log")" ;;
	*) failed=$((failed + 1)); echo "FAIL $t (exit $rc, ${secs}s)"; tail -n 60 "$log" | sed 's/^/    /' ;;
	esac
	rm -f "$log"
done
echo "integration: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
