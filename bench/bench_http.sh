#!/bin/sh
# summary: HTTP 6970 side by side in one run: dialtone (`serve --only http`) vs nginx (one worker,
# sendfile, access_log off) serving the same 6 KiB file to wrk, with keep-alive and with a new
# connection per request. Server CPU per request = cpuacct cgroup usage / requests completed.
# Each case runs BENCH_SECS seconds (default 4), BENCH_REPS times (default 3); medians shown.
# Usage: sh bench/bench_http.sh [BUILD_DIR]   (root; about a minute)
set -u
build=${1:-build}
DT=$(cd "$build" && pwd)/dialtone
SECS=${BENCH_SECS:-4}
REPS=${BENCH_REPS:-3}
CG=/sys/fs/cgroup/cpuacct
S=$(mktemp -d /tmp/dt-bench-http.XXXXXX)
chmod 755 "$S"
PIDS=""
CGS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	for c in $CGS; do [ -d "$c" ] && rmdir "$c" 2>/dev/null; done
	rm -rf "$S"
}
trap cleanup EXIT
[ -x "$DT" ] || { echo "bench_http: build $DT first"; exit 1; }
[ -w "$CG" ] || { echo "bench_http: skipped: needs root and the cpuacct cgroup at $CG"; exit 0; }
command -v wrk >/dev/null || { echo "bench_http: skipped: wrk missing (apt-get install wrk)"; exit 0; }
command -v nginx >/dev/null || { echo "bench_http: skipped: nginx missing (apt-get install nginx-light)"; exit 0; }

ROOT=$S/dt/tftpboot
mkdir -p "$ROOT" "$S/nginx"
head -c 6144 /dev/urandom >"$ROOT/cfg6k.xml"
chmod -R a+rX "$S/dt"
cat >"$S/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $S/nginx/nginx.pid;
error_log $S/nginx/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	keepalive_requests 1000000;
	client_body_temp_path $S/nginx/body;
	proxy_temp_path $S/nginx/proxy;
	fastcgi_temp_path $S/nginx/fastcgi;
	uwsgi_temp_path $S/nginx/uwsgi;
	scgi_temp_path $S/nginx/scgi;
	server {
		listen 127.0.49.2:6970;
		root $ROOT;
		add_header Cache-Control no-store;
	}
}
EOF

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
server dialtone "$DT" --data "$S/dt" serve --only http --listen 127.0.49.1 --http-port 6970 \
	--log-file "$S/dialtone.log"
server nginx nginx -c "$S/nginx/nginx.conf" -p "$S/nginx"
ADDR_dialtone=127.0.49.1
ADDR_nginx=127.0.49.2
sleep 1
for n in dialtone nginx; do
	eval "a=\$ADDR_$n"
	curl -sf -o "$S/check" "http://$a:6970/cfg6k.xml" && cmp -s "$S/check" "$ROOT/cfg6k.xml" ||
		{ echo "bench_http: $n does not serve: $(tail -n 3 "$S/$n.out")"; exit 1; }
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# run NAME MODE: prints "cpu_us_per_req req_per_s"
run() {
	eval "a=\$ADDR_$1 c=\$cg_$1"
	hdr=""
	[ "$2" = close ] && hdr="Connection: close"
	c0=$(cat "$c/cpuacct.usage")
	if [ -n "$hdr" ]; then
		out=$(wrk -t1 -c32 -d"${SECS}s" -H "$hdr" "http://$a:6970/cfg6k.xml")
	else
		out=$(wrk -t1 -c32 -d"${SECS}s" "http://$a:6970/cfg6k.xml")
	fi
	c1=$(cat "$c/cpuacct.usage")
	reqs=$(echo "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
	errs=$(echo "$out" | sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p')
	[ -n "$errs" ] && echo "bench_http: $1 $2: $errs non-2xx responses" >&2
	awk -v c=$((c1 - c0)) -v r="$reqs" -v s="$SECS" 'BEGIN {printf "%.2f %.0f\n", c / 1000 / r, r / s}'
}

echo "HTTP: 6 KiB file, wrk -t1 -c32, ${SECS}s x $REPS (median)"
printf '%-9s %-11s %12s %14s\n' server connection requests/s "cpu us/req"
for mode in keepalive close; do
	for n in dialtone nginx; do
		: >"$S/res-$n-$mode"
	done
	for r in $(seq 1 "$REPS"); do
		for n in dialtone nginx; do run $n $mode >>"$S/res-$n-$mode"; done
	done
	for n in dialtone nginx; do
		cpu=$(awk '{print $1}' "$S/res-$n-$mode" | median)
		rps=$(awk '{print $2}' "$S/res-$n-$mode" | median)
		eval "cpu_${n}_$mode=$cpu"
		printf '%-9s %-11s %12s %14s\n' $n $mode "$rps" "$cpu"
	done
done
echo "ratio, server CPU per request (dialtone / nginx; target <= 1.5):"
for mode in keepalive close; do
	eval "d=\$cpu_dialtone_$mode p=\$cpu_nginx_$mode"
	awk -v d="$d" -v p="$p" -v m=$mode 'BEGIN {printf "  %-10s %.2fx\n", m, d / p}'
done
echo "dialtone trace lines written: $(grep -c ' proto=http ' "$S/dialtone.log")"
