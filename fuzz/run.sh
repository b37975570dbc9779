#!/bin/sh
# summary: build every fuzz/fuzz_<p>.c with libFuzzer+ASan+UBSan against src/proto/<p>/ and src/core/,
# and run each for FUZZ_SECONDS (default 20) over its seed corpus. Exits non-zero on a crash.
set -eu
secs=${FUZZ_SECONDS:-20}
out=build-fuzz
mkdir -p "$out"
core=$(ls src/core/*.c | grep -v -e embedded.c -e conf.c)
rc=0
passed=0
failed=0
for f in fuzz/fuzz_*.c; do
	[ -e "$f" ] || continue
	p=$(basename "$f" .c | sed 's/^fuzz_//')
	bin="$out/fuzz_$p"
	clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -o "$bin" "$f" src/proto/"$p"/*.c $core -lcrypto
	corpus="$out/corpus_$p"
	mkdir -p "$corpus"
	[ -d "fuzz/corpus/$p" ] && cp -n fuzz/corpus/"$p"/* "$corpus"/ 2>/dev/null || true
	dict=""
	[ -f "fuzz/dict/$p.dict" ] && dict="-dict=fuzz/dict/$p.dict"
	echo "fuzz: $p for ${secs}s"
	if ! "$bin" $dict -max_total_time="$secs" -print_final_stats=0 -artifact_prefix="$out/crash_$p-" \
		"$corpus" >"$out/fuzz_$p.log" 2>&1; then
		tail -n 40 "$out/fuzz_$p.log"
		echo "fuzz: $p FAILED (artifacts in $out/)"
		failed=$((failed + 1))
		rc=1
	else
		passed=$((passed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
exit $rc
