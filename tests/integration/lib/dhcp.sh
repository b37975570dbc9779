# summary: helpers for the DHCP integration tests (5x-*.sh): a data dir, a network namespace of
# the test's own (loopback inside it, or veth pairs for direct clients), `dialtone serve --only
# dhcp` inside it, and cleanup by PID and namespace name on exit.
# Source after setting N (the test's two-digit number). Sets D, NS, SERVE_PID; PIDS collects
# other processes to stop.

set -u
: "${DIALTONE:=build/dialtone}"
case "$DIALTONE" in /*) ;; *) DIALTONE=$(pwd)/$DIALTONE ;; esac
D=$(mktemp -d /tmp/dt-dhcp-it.XXXXXX)
NS=dt$N-$$
SERVE_PID=
PIDS=

cleanup() {
	for p in $PIDS $SERVE_PID; do kill "$p" 2>/dev/null; done
	for p in $PIDS $SERVE_PID; do wait "$p" 2>/dev/null; done
	# anything still running inside the test's own namespaces was started by this test
	for p in $(ip netns pids "$NS" 2>/dev/null) $(ip netns pids "${NS}c" 2>/dev/null); do
		kill "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	ip netns del "${NS}c" 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT

skip() { echo "$1"; exit 77; }
fail() { echo "FAIL: $*"; [ -f "$D/serve.log" ] && tail -n 30 "$D/serve.log"; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || skip "missing peer: $1 (apt-get install -y $2)"; }
dt() { "$DIALTONE" --data "$D" "$@"; }
nsx() { ip netns exec "$NS" "$@"; }

# A namespace whose loopback carries 127.0.N.1 (server) and 127.0.N.2 (perfdhcp as relay):
# perfdhcp binds port 67 on its relay address, so it must not share the host's loopback.
make_loop_ns() {
	[ "$(id -u)" = 0 ] || skip "needs root for ip netns"
	ip netns add "$NS" 2>/dev/null || skip "cannot create a network namespace"
	nsx ip link set lo up
	nsx ip addr add "127.0.$N.1/8" dev lo
	nsx ip addr add "127.0.$N.2/8" dev lo
}

# serve --only dhcp inside $NS on ADDR; extra args appended. Waits for the ready line.
start_serve() {
	addr=$1
	shift
	before=$(cat "$D/serve.log" 2>/dev/null | grep -c "serve - ready")
	# `ip netns exec` execs the command, so $! is the server itself (a shell function run with &
	# would leave $! pointing at a subshell).
	ip netns exec "$NS" "$DIALTONE" --data "$D" serve --only dhcp --listen "$addr" --dhcp-port 67 \
		--log-file "$D/serve.log" "$@" >"$D/serve.out" 2>&1 &
	SERVE_PID=$!
	for _ in $(seq 1 100); do
		[ "$(cat "$D/serve.log" 2>/dev/null | grep -c "serve - ready")" -gt "$before" ] && return 0
		kill -0 "$SERVE_PID" 2>/dev/null || { cat "$D/serve.out"; fail "serve exited at start"; }
		sleep 0.05
	done
	fail "serve did not become ready"
}

stop_serve() {
	kill -"${1:-TERM}" "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID" 2>/dev/null
	SERVE_PID=
}

# Count of JSON array elements matching a jq-free grep (one object per lease, "ip" keys).
count_leases() { dt dhcp leases --json | grep -c '"ip":'; }

# Two namespaces joined by a veth pair: $NS holds the server side 10.N.0.1/24 on dtsN, ${NS}c
# the client side dtcN with no address (a phone before DHCP). Direct (raw socket) mode.
make_veth_ns() {
	[ "$(id -u)" = 0 ] || skip "needs root for ip netns"
	ip netns add "$NS" 2>/dev/null || skip "cannot create a network namespace"
	ip netns add "${NS}c" || fail "netns add"
	ip link add "dts$N-$$" type veth peer name "dtc$N-$$" 2>/dev/null ||
		skip "cannot create a veth pair"
	ip link set "dts$N-$$" netns "$NS" name "dts$N"
	ip link set "dtc$N-$$" netns "${NS}c" name "dtc$N"
	nsx ip link set lo up
	nsx ip addr add "10.$N.0.1/24" dev "dts$N"
	nsx ip link set "dts$N" up
	ip netns exec "${NS}c" ip link set lo up
	ip netns exec "${NS}c" ip link set "dtc$N" up
	printf '[dhcp]\ninterface = dts%s\n' "$N" >"$D/dialtone.conf"
}
