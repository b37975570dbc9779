#!/bin/sh
# summary: the device/line CLI contract: exact spellings, the four MAC forms, exit codes 0/1/2,
# one stderr line naming the field for every kind of bad input, nothing written on error,
# --json output, shared lines, set/delete, and --help on every command and verb.
. "$(dirname "$0")/lib/store.sh"
need python3 python3

# --help everywhere, exit 0, on stdout.
for c in "device" "device add" "device set" "device list" "device show" "device delete" \
	"line" "line add" "line list" "line delete" "import" "export" "node add" "node list" \
	"node delete" "pool add" "pool list" "cmgroup add" "cmgroup list" "cmgroup add-member" \
	"model list"; do
	# shellcheck disable=SC2086
	dt $c --help >"$D/out" 2>&1 || fail "$c --help: exit $?"
	grep -q usage "$D/out" || fail "$c --help prints no usage"
done

# The four MAC forms name the same phone.
expect 0 "" device add --mac 00:11:22:33:44:55 --model 8851 --description "Lab phone"
expect 1 '^dialtone: mac: 001122334455 already exists' device add --mac 001122334455 --model 8851
expect 1 '^dialtone: mac: .* already exists' device add --mac 0011.2233.4455 --model 8851
expect 1 '^dialtone: mac: .* already exists' device add --mac 00-11-22-33-44-55 --model 7841
expect 0 "" device show sep001122334455
expect 0 "" device show 0011.2233.4455

# Bad input: exit 1 (operation failed) or 2 (usage), one line naming the field, nothing written.
expect 1 '^dialtone: mac: ' device add --mac 00:11:22:33:44 --model 8851
expect 1 '^dialtone: mac: ' device add --mac 00:11:22:33:44:5Z --model 8851
expect 1 '^dialtone: model: unknown model' device add --mac 001122334466 --model 7960
expect 1 '^dialtone: pool: unknown device pool' device add --mac 001122334466 --model 8851 --pool Mars
expect 1 '^dialtone: name: ' device add --mac 001122334466 --model 8851 --name SEP001122334477
expect 1 '^dialtone: ip: ' device add --mac 001122334466 --model 8851 --ip 10.0.0.256
expect 2 '^dialtone: security: ' device add --mac 001122334466 --model 8851 --security paranoid
expect 2 '^dialtone: mac: missing' device add --model 8851
expect 2 '^dialtone: model: missing' device add --mac 001122334466
expect 2 '^dialtone: --colour: unknown option' device add --mac 001122334466 --colour red
expect 2 '^dialtone: --model: missing value' device add --mac 001122334466 --model
expect 2 'unknown verb' device frobnicate
expect 1 '^dialtone: device: no device' device show 00AABBCCDDEE
expect 1 '^dialtone: device: ' device show phone-1
[ "$(ndevices)" = 1 ] || fail "a rejected add wrote a device"

# A complete device, then set changes only what is given.
expect 0 "" device add --mac 0011.2233.4466 --model CP-7821 --security encrypted --ip 10.0.0.66 \
	--load sip78xx.12-8-1-0001-455 --description "Front desk"
expect 1 '^dialtone: ip: 10.0.0.66 is already reserved for SEP001122334466' device add \
	--mac 001122334477 --model 8851 --ip 10.0.0.66
expect 0 "" device set SEP001122334466 --description "Back office"
dt device show 001122334466 --json >"$D/show.json" || fail "show --json"
python3 - "$D/show.json" <<'PY' || fail "device show --json content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["name"] == "SEP001122334466", d
assert d["model"] == "7821" and d["security"] == "encrypted" and d["ip"] == "10.0.0.66", d
assert d["description"] == "Back office" and d["load"] == "sip78xx.12-8-1-0001-455", d
assert d["pool"] == "Default" and d["protocol"] == "SIP", d
PY
expect 1 '^dialtone: pool: ' device set SEP001122334466 --pool Mars
expect 2 '^dialtone: device: nothing to change' device set SEP001122334466
dt device show 001122334466 | grep -q "pool: *Default" || fail "failed set changed the pool"

# Lines: shared line, button rules, DN conflicts.
expect 0 "" line add --dn 2001 --device 00:11:22:33:44:55 --display "Alice Example" --password s3cret
expect 0 "" line add --dn 2001 --device SEP001122334466 --button 2
expect 1 '^dialtone: dn: 2001 is already on button 1 of SEP001122334455' line add --dn 2001 --device SEP001122334455
expect 1 '^dialtone: button: 2 of SEP001122334466 already holds DN 2001' line add --dn 2002 --device SEP001122334466 --button 2
expect 1 '^dialtone: button: 3 is beyond the 2 buttons' line add --dn 2002 --device SEP001122334466 --button 3
expect 1 '^dialtone: display: DN 2001 exists with a different display' line add --dn 2001 --device SEP001122334466 --display Bob
expect 1 '^dialtone: dn: ' line add --dn "20 01" --device SEP001122334466
expect 2 '^dialtone: button: ' line add --dn 2003 --device SEP001122334466 --button zero
expect 2 '^dialtone: dn: missing' line add --device SEP001122334466
expect 1 '^dialtone: device: no device' line add --dn 2004 --device 00AABBCCDDEE
dt line list --json >"$D/lines.json" || fail "line list --json"
python3 - "$D/lines.json" <<'PY' || fail "line list --json content"
import json, sys
rows = json.load(open(sys.argv[1]))
got = sorted((r["dn"], r["device"], r["button"]) for r in rows)
assert got == [("2001", "SEP001122334455", 1), ("2001", "SEP001122334466", 2)], got
assert all(r["display"] == "Alice Example" and r["has_password"] for r in rows), rows
assert all("password" not in r for r in rows), "passwords must not be printed"
PY
# The failed adds created no DN.
expect 1 '^dialtone: dn: no line 2002' line delete 2002

# Deleting a phone keeps its DN's other appearance; deleting the DN removes the rest.
expect 0 "" device delete 0011.2233.4455
expect 1 '^dialtone: device: no device' device delete 0011.2233.4455
[ "$(nlines)" = 1 ] || fail "device delete: want 1 appearance left, got $(nlines)"
expect 0 "" line delete 2001
[ "$(nlines)" = 0 ] || fail "line delete left appearances"
[ "$(ndevices)" = 1 ] || fail "want 1 device left"

# Reference commands: a two-node cluster without SQL.
expect 0 "" node add cm1 --address 127.0.30.1
expect 0 "" node add cm2 --address 127.0.30.2 --services sip
expect 1 '^dialtone: name: node cm1 already exists' node add cm1 --address 127.0.30.9
expect 1 '^dialtone: services: ' node add cm3 --address 127.0.30.3 --services sip,ftp
expect 0 "" cmgroup add Branch
expect 0 "" cmgroup add-member Branch cm1
expect 0 "" cmgroup add-member Branch cm2
expect 1 '^dialtone: node: cm2 is already member 1' cmgroup add-member Branch cm2
expect 1 '^dialtone: node: unknown node' cmgroup add-member Branch cm9
expect 0 "" pool add Berlin --cm-group Branch --timezone Europe/Berlin --ntp 127.0.30.1,ntp.example.org
expect 1 '^dialtone: cm_group: unknown' pool add Oslo --cm-group Nope
expect 2 '^dialtone: tz-windows: ' pool add Oslo --timezone Mars/Olympus
expect 1 '^dialtone: name: node cm1 is a member' node delete cm1
expect 0 "" device add --mac 001122334488 --model 8865 --pool Berlin
dt pool list --json | python3 -c '
import json, sys
p = {x["name"]: x for x in json.load(sys.stdin)}["Berlin"]
assert p["cm_group"] == "Branch" and p["cm_members"] == 2, p
assert p["tz_windows"] == "W. Europe Standard/Daylight Time", p
assert p["ntp"] == ["127.0.30.1", "ntp.example.org"], p' || fail "pool list --json"
dt cmgroup list | grep -A2 '^Branch' | grep -q '1  cm2 .*127.0.30.2 sip 5060 sips 5061' ||
	fail "cmgroup list: $(dt cmgroup list)"
dt model list | grep -q '^8851 .*684' || fail "model list lacks the 8851 (684)"
echo "ok"
