# summary: helpers for the SIP integration tests (6x-*.sh): a data dir with provisioned phones,
# `dialtone serve --only sip` on the test's own loopback address, cleanup by PID.
# Source after setting ADDR (127.0.6N.1). Sets D (data dir), SERVE_PID. KEEP=1 keeps D for a
# post-mortem.

set -u
: "${DIALTONE:=build/dialtone}"
DIALTONE=$(cd "$(dirname "$DIALTONE")" && pwd)/$(basename "$DIALTONE")
D=$(mktemp -d /tmp/dt-sip-it.XXXXXX)
SERVE_PID=
PIDS=
SCEN=$(cd "$(dirname "$0")/../peers/sipp" && pwd)

cleanup() {
	for p in $PIDS $SERVE_PID; do kill "$p" 2>/dev/null; done
	for p in $PIDS $SERVE_PID; do wait "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$D"
}
trap cleanup EXIT

skip() { echo "$1"; exit 77; }
fail() { echo "FAIL: $*"; [ -f "$D/serve.log" ] && tail -n 30 "$D/serve.log"; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || skip "missing peer: $1 (apt-get install -y $2)"; }

# add_phone MAC DN PASSWORD [SECURITY]: one 8851 with one line (digest when SECURITY is
# authenticated or encrypted).
add_phone() {
	"$DIALTONE" --data "$D" device add --mac "$1" --model 8851 --security "${4:-non-secure}" \
		>/dev/null 2>"$D/add.err" || skip "cannot provision: $(head -n 1 "$D/add.err")"
	"$DIALTONE" --data "$D" line add --dn "$2" --device "SEP$1" --password "$3" \
		>/dev/null 2>"$D/add.err" || fail "line add $2: $(head -n 1 "$D/add.err")"
}

# Start serve (extra args appended; $CONF, when set, is passed as --config) and wait until TCP
# 5060 answers.
start_serve() {
	"$DIALTONE" --data "$D" ${CONF:+--config "$CONF"} serve --only sip --listen "$ADDR" \
		--log-file "$D/serve.log" "$@" >"$D/serve.out" 2>&1 &
	SERVE_PID=$!
	for _ in $(seq 1 50); do
		if python3 -c "import socket; socket.create_connection(('$ADDR', 5060), 0.2).close()" \
			2>/dev/null; then return 0; fi
		kill -0 "$SERVE_PID" 2>/dev/null || { cat "$D/serve.out"; fail "serve exited at start"; }
		sleep 0.1
	done
	fail "serve did not listen on $ADDR:5060 within 5 s"
}

stop_serve() {
	kill "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID" 2>/dev/null
	SERVE_PID=
}
