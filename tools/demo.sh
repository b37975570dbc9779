#!/bin/sh
# summary: the README demo: a fresh database with a few demo phones, `dialtone serve` on loopback with
# the real ports, one simulated phone booted through the 14 steps, then the server keeps running
# until Ctrl-C (DEMO_SECONDS=N stops it after N seconds).
set -eu
cd "$(dirname "$0")/.."
bin=${DIALTONE:-./build/dialtone}
data=${DIALTONE_DATA:-/var/tmp/dialtone-demo}
addr=127.0.0.1
rm -rf "$data"
mkdir -p "$data"
dt() { "$bin" --data "$data" "$@"; }

echo "== demo database in $data"
dt device add --mac 00:AA:BB:CC:DD:01 --model 8851 --description "Reception"
dt device add --mac 00aa.bbcc.dd02 --model 7841 --description "Lab bench"
dt device add --mac 00-AA-BB-CC-DD-03 --model 8865 --description "Boss" --security authenticated
dt line add --dn 2001 --device SEP00AABBCCDD01 --display "Reception" --password demo2001
dt line add --dn 2002 --device SEP00AABBCCDD02 --display "Lab" --password demo2002
dt line add --dn 2003 --device SEP00AABBCCDD03 --display "Boss" --auth-user boss --password demo2003
# 2001 is also a shared line on the boss's second button.
dt line add --dn 2001 --device SEP00AABBCCDD03 --button 2 --label "Reception"
if dt dhcp --help >/dev/null 2>&1; then
	dt dhcp subnet add 127.1.0.0/16 --pool 127.1.0.10-127.1.255.250 --router 127.1.0.1 \
		--dns 127.0.0.53 --domain voice.example
fi
dt device list

echo "== starting dialtone serve on $addr (TFTP 69, HTTP 6970, DHCP 67, SIP 5060/5061)"
"$bin" --data "$data" serve --listen "$addr" &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 50); do
	curl -fs -o /dev/null "http://$addr:6970/SEP00AABBCCDD01.cnf.xml" 2>/dev/null && break
	sleep 0.1
done

echo "== the phone's config over HTTP 6970 (first lines)"
curl -s "http://$addr:6970/SEP00AABBCCDD01.cnf.xml" | head -n 12 || true
echo "== CTL in a non-secure cluster: not found"
curl -s -o /dev/null -w 'HTTP %{http_code}\n' "http://$addr:6970/CTLSEP00AABBCCDD01.tlv" || true

if dt phone --help >/dev/null 2>&1; then
	# The phone is its own DHCP relay agent at the voice subnet's router address (127.1.0.1),
	# so giaddr selects 127.1.0.0/16, and then it uses the address it leased.
	echo "== a simulated CP-8851 boots through the 14 steps"
	"$bin" --data "$data" phone boot --mac 00:AA:BB:CC:DD:01 --model 8851 --server "$addr" --relay 127.1.0.1 \
		--state "$data/phone-flash" --hold &
	phone_pid=$!
	trap 'kill "$phone_pid" "$serve_pid" 2>/dev/null; wait 2>/dev/null || true' EXIT INT TERM
	# The registrar writes registration state in batches (at most [sip] persist_ms = 1 s late).
	for _ in $(seq 50); do
		dt device show SEP00AABBCCDD01 | grep -q '^status: *Registered' && break
		sleep 0.1
	done
	echo "== what the administrator sees"
	dt device show SEP00AABBCCDD01 || true
fi

echo "== dialtone serve keeps running (pid $serve_pid); Ctrl-C stops it"
if [ -n "${DEMO_SECONDS:-}" ]; then
	sleep "$DEMO_SECONDS"
else
	wait "$serve_pid"
fi
