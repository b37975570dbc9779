#!/bin/sh
# summary: run every unit-test binary under BUILD/tests/unit and total cmocka's results.
# Prints the closing line `unit: N passed, N failed` and exits non-zero if any test failed
# or a binary crashed.
set -u
build=${1:-build}
passed=0
failed=0
crashed=0
for t in $(find "$build/tests/unit" -type f -name 'test_*' -perm -u+x | sort); do
	out=$("$t" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ] || [ -z "$p" ]; then
		printf '%s\n' "$out" | grep -vE '^\[ +(RUN|OK) +\]' | tail -n 40
		echo "FAIL: $t (exit $rc)"
		[ -n "${f:-}" ] || crashed=$((crashed + 1))
	fi
done
failed=$((failed + crashed))
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
