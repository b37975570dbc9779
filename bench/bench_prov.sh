#!/bin/sh
# summary: config generation benchmark (issue 3): build every file for 10,000 and 100,000
# devices (wall and CPU seconds, peak memory beyond the files) and the one-change → rebuilt-file
# latency, each printed against the issue's target. There is no third-party peer for CUCM's TFTP
# "build files"; the ratios are figure / target (< 1 = target met).
# Usage: sh bench/bench_prov.sh [N...]   (default: 10000 100000). Bounded: ~1 min in all.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
[ -f "$BUILD/libdialtone.a" ] || make -j2 >/dev/null
PKGS="sqlite3 libxml-2.0 libevent libevent_openssl openssl jansson libmicrohttpd inih libpcap"
bin=$(mktemp -d /tmp/dt-bench-prov.XXXXXX)
trap 'rm -rf "$bin"' EXIT
cc -std=gnu11 -O2 -D_GNU_SOURCE -Isrc $(pkg-config --cflags $PKGS) -o "$bin/bench_prov" \
	bench/bench_prov.c "$BUILD/libdialtone.a" $(pkg-config --libs $PKGS) -lpthread -lm

sizes=${*:-10000 100000}
printf '%-9s %-26s %12s %12s %8s\n' devices figure value target ratio
for n in $sizes; do
	db="$bin/db-$n"
	mkdir -p "$db"
	out=$(timeout 170 "$bin/bench_prov" "$db" "$n")
	get() { printf '%s\n' "$out" | awk -v k="$1" '$1 == k { print $2 }'; }
	# The issue's target is for 100,000 devices; other sizes are reported without one.
	tgt_build=-
	[ "$n" -eq 100000 ] && tgt_build=2.0
	for row in "build_2core_s:$tgt_build" "build_wall_s:-" "build_cpu_s:-" "read_cpu_s:-" \
		"render_cpu_s:-" "publish_cpu_s:-" "files_mib:-" "peak_rss_mib:-" \
		"peak_beyond_files_b_per_dev:1024" "index_b_per_dev:1024" \
		"change_ms_median:10" "change_ms_max:10" "change_cpu_ms_median:10" \
		"idle_refresh_us:-"; do
		k=${row%%:*}
		t=${row#*:}
		v=$(get "$k")
		if [ "$t" = "-" ]; then
			r="-"
		else
			r=$(awk -v v="$v" -v t="$t" 'BEGIN { printf "%.2f", v / t }')
		fi
		printf '%-9s %-26s %12s %12s %8s\n' "$n" "$k" "$v" "$t" "$r"
	done
	[ "$n" = "${sizes%% *}" ] && keep="$db" || rm -rf "$db"
done

# End to end: `dialtone device set` (a separate process) → the file a running `serve` sends over
# HTTP 6970. Measured from the moment the CLI returns (its commit) until curl gets the new bytes;
# serve's 20 ms refresh timer bounds it. On the smallest database of the run, 15 changes.
ADDR=127.0.135.1
DT=$BUILD/dialtone
if [ -n "${keep:-}" ] && command -v curl >/dev/null 2>&1 && [ -x "$DT" ]; then
	"$DT" --data "$keep" serve --only http --listen $ADDR --http-port 6970 \
		--log-file "$bin/serve.log" >/dev/null 2>&1 &
	spid=$!
	trap 'kill $spid 2>/dev/null; wait $spid 2>/dev/null; rm -rf "$bin"' EXIT
	dev=SEP0A0000000007
	for _ in $(seq 1 100); do
		curl -sf -o /dev/null "http://$ADDR:6970/$dev.cnf.xml" && break
		sleep 0.1
	done
	lat=""
	for k in $(seq 1 15); do
		"$DT" --data "$keep" device set $dev --load "sip88xx.prop-$k" >/dev/null || exit 1
		t0=$(date +%s%N)
		for _ in $(seq 1 500); do
			curl -sf "http://$ADDR:6970/$dev.cnf.xml" | grep -q "sip88xx.prop-$k<" && break
		done
		lat="$lat $((($(date +%s%N) - t0) / 1000000))"
	done
	kill $spid 2>/dev/null
	wait $spid 2>/dev/null
	med=$(printf '%s\n' $lat | sort -n | sed -n 8p)
	max=$(printf '%s\n' $lat | sort -n | tail -n 1)
	printf '%-9s %-26s %12s %12s %8s\n' "${sizes%% *}" cli_to_serve_ms_median "$med" 100 \
		"$(awk -v v="$med" 'BEGIN { printf "%.2f", v / 100 }')"
	printf '%-9s %-26s %12s %12s %8s\n' "${sizes%% *}" cli_to_serve_ms_max "$max" 100 \
		"$(awk -v v="$max" 'BEGIN { printf "%.2f", v / 100 }')"
fi
