# summary: helpers for the file-service integration tests (4x-*.sh): a data dir, a static tree,
# `dialtone serve --only tftp,http` on the test's own loopback address, and cleanup by PID.
# Source after setting ADDR (127.0.4N.1). Sets D (data dir), T (static tree), SERVE_PID.

set -u
: "${DIALTONE:=build/dialtone}"
D=$(mktemp -d /tmp/dt-files-it.XXXXXX)
T=$D/tftpboot
SERVE_PID=
PIDS=

cleanup() {
	for p in $PIDS $SERVE_PID; do kill "$p" 2>/dev/null; done
	for p in $PIDS $SERVE_PID; do wait "$p" 2>/dev/null; done
	rm -rf "$D"
}
trap cleanup EXIT

skip() { echo "$1"; exit 77; }
fail() { echo "FAIL: $*"; [ -f "$D/serve.log" ] && tail -n 20 "$D/serve.log"; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || skip "missing peer: $1 (apt-get install -y $2)"; }

# The served tree: a 6 KiB config, a firmware load in firmware/, a background in Desktops/, a
# file of exactly 4 blocks of 512, and a CTL file that must never be served while non-secure.
make_tree() {
	mkdir -p "$T/firmware" "$T/Desktops/800x480x24" "$T/English_United_States"
	head -c 6144 /dev/urandom >"$T/SEPDefault6k.xml"
	head -c 1500000 /dev/urandom >"$T/firmware/sip88xx.14-2-1-0001-14.loads"
	head -c 2048 /dev/urandom >"$T/blocks4.bin"
	printf '<CiscoIPPhoneImageList/>\n' >"$T/Desktops/800x480x24/List.xml"
	printf 'line one\nline two\r\nend' >"$T/English_United_States/g3-tones.xml"
	printf 'not for non-secure clusters' >"$T/CTLFile.tlv"
	printf 'not for non-secure clusters' >"$T/ITLSEP001122334455.tlv"
}

# A provisioned phone, so SEP001122334455.cnf.xml is generated from the database.
add_phone() {
	"$DIALTONE" --data "$D" device add --mac 00:11:22:33:44:55 --model 8851 >/dev/null 2>"$D/add.err" ||
		fail "cannot provision a phone with 'dialtone device add': $(head -n 1 "$D/add.err")"
}

# Start serve (extra args appended) and wait until both ports answer.
start_serve() {
	"$DIALTONE" --data "$D" serve --only tftp,http --listen "$ADDR" --tftp-port 69 --http-port 6970 \
		--log-file "$D/serve.log" "$@" >"$D/serve.out" 2>&1 &
	SERVE_PID=$!
	for _ in $(seq 1 50); do
		if curl -s -o /dev/null "http://$ADDR:6970/" 2>/dev/null; then return 0; fi
		kill -0 "$SERVE_PID" 2>/dev/null || { cat "$D/serve.out"; fail "serve exited at start"; }
		sleep 0.1
	done
	fail "serve did not listen on $ADDR:6970 within 5 s"
}
