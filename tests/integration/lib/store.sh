# summary: helpers for the device-database integration tests (3x-*.sh): a mktemp data dir, the
# binary, and assertions on exit status and on the one-line error naming a field.
# Sets D (data dir). Tests use no network.

set -u
: "${DIALTONE:=build/dialtone}"
case "$DIALTONE" in /*) ;; *) DIALTONE=$(pwd)/$DIALTONE ;; esac
D=$(mktemp -d /tmp/dt-store-it.XXXXXX)
PIDS=

cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$D"
}
trap cleanup EXIT

skip() { echo "$1"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || skip "missing peer: $1 (apt-get install -y $2)"; }
dt() { "$DIALTONE" --data "$D" "$@"; }

# expect STATUS PATTERN CMD...: run dialtone CMD, require exit STATUS and, when PATTERN is not
# empty, exactly one stderr line that matches PATTERN (grep -E).
expect() {
	want=$1 pat=$2
	shift 2
	dt "$@" >"$D/out" 2>"$D/err"
	got=$?
	[ "$got" = "$want" ] || fail "dialtone $*: exit $got, want $want (stderr: $(cat "$D/err"))"
	if [ -n "$pat" ]; then
		[ "$(wc -l <"$D/err")" = 1 ] || fail "dialtone $*: want one stderr line, got: $(cat "$D/err")"
		grep -Eq "$pat" "$D/err" || fail "dialtone $*: stderr '$(cat "$D/err")' does not match '$pat'"
	fi
}

# Number of devices / line appearances, through the CLI's JSON output.
ndevices() { dt device list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
nlines() { dt line list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
