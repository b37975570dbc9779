# summary: helpers for the phone-simulator integration tests (7x-*.sh): a data dir with a cluster
# (nodes in the Default CallManager group, a DHCP subnet for the test's relay), `dialtone serve`
# instances on the test's own loopback addresses, `dialtone phone boot` as its own DHCP relay,
# and cleanup of only the PIDs started here.
# Source after setting N (the test number, 70..79): ADDR=127.0.N.1 serves, the phones relay from
# RELAY=127.1.N.1 and lease from 127.1.N.10-250, so parallel tests never share a socket.

set -u
: "${DIALTONE:=build/dialtone}"
ADDR=127.0.$N.1
RELAY=127.1.$N.1
D=$(mktemp -d /tmp/dt-phone-it.XXXXXX)
PIDS=

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$D"
}
trap cleanup EXIT

skip() { echo "$1"; exit 77; }
fail() {
	echo "FAIL: $*"
	for f in "$D"/*.log "$D"/*.err; do
		[ -s "$f" ] && { echo "== $f"; tail -n 25 "$f"; }
	done
	exit 1
}
dt() { "$DIALTONE" --data "$D" "$@"; }

# setup_cluster CM_ADDR...: one node per address in the Default group (priority = order), and
# the DHCP subnet of this test's relay with option 150 = TFTP (default ADDR).
setup_cluster() {
	i=0
	for a in "$@"; do
		dt node add "cm$i" --address "$a" >/dev/null 2>"$D/setup.err" || fail "node add $a"
		dt cmgroup add-member Default "cm$i" --priority "$i" >/dev/null 2>>"$D/setup.err" ||
			fail "cmgroup add-member cm$i"
		i=$((i + 1))
	done
	dt dhcp subnet add "127.1.$N.0/24" --pool "127.1.$N.10-127.1.$N.250" --router "$RELAY" \
		--tftp "${TFTP:-$ADDR}" >/dev/null 2>>"$D/setup.err" || fail "dhcp subnet add"
}

# listening ADDR PROTO PORT: 0 when something listens there.
listening() {
	if [ "$2" = tcp ]; then ss -Hltn "src $1:$3" | grep -q .; else ss -Hlun "src $1:$3" | grep -q .; fi
}

# start_serve NAME ADDR SERVICES: serve in the background; waits for its ports (5 s max).
# Sets SERVE_PID_<NAME>.
start_serve() {
	# Not through dt(): a backgrounded function is a subshell and $! would not be serve's PID.
	"$DIALTONE" --data "$D" serve --listen "$2" --only "$3" --log-file "$D/serve-$1.log" \
		>"$D/serve-$1.err" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	eval "SERVE_PID_$1=$pid"
	for _ in $(seq 1 50); do
		ok=1
		case $3 in *sip*) listening "$2" tcp 5060 || ok=0 ;; esac
		case $3 in *http*) listening "$2" tcp 6970 || ok=0 ;; esac
		case $3 in *dhcp*) listening "$2" udp 67 || ok=0 ;; esac
		[ $ok = 1 ] && return 0
		kill -0 "$pid" 2>/dev/null || fail "serve $1 exited at start"
		sleep 0.1
	done
	fail "serve $1 did not listen on $2 within 5 s"
}

# boot ARGS...: one phone through the 14 steps (foreground only: see start_serve; background
# phones run "$DIALTONE" phone boot directly).
boot() {
	"$DIALTONE" phone boot --server "$ADDR" --relay "$RELAY" --timeout 400 "$@"
}

# wait_for FILE TEXT SECONDS: until FILE contains TEXT.
wait_for() {
	for _ in $(seq 1 $(($3 * 10))); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "'$2' not in $1 after $3 s"
}

# device_state NAME: the registrar's view of a device as "state|ip|active|inactive", from
# `device show` when it prints registration state, else from the registrar's table.
device_state() {
	sqlite3 "$D/dialtone.db" \
		"select state, ip, active_load, inactive_load from sip_device_state where device='$1'" \
		2>/dev/null
}
