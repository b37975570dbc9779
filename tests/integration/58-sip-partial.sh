#!/bin/sh
# summary: CUCM's "Partially Registered" state (TechNote 217220) through the real binary: a
# 2-line 8851 registers with the bulkregisterreq body (Registered, both lines bound); its
# bindings are removed, then a refresh without body (same Call-ID, CSeq+1) binds only the primary
# line → `device show` / `device list` (+ --json) / `device history` say Partially Registered,
# 1 of 2 lines; the body again → Registered. The same after a restart that lost the bindings
# (rows deleted from sip_binding while serve is down). A one-line phone is never partial. The
# phone is a small Python UDP sender (sipp cannot leave the body out of one REGISTER of a
# scenario and keep the Call-ID). Needs: python3.
ADDR=127.0.58.1
PHONE=127.0.58.2
. "$(dirname "$0")/lib/sip.sh"
need python3 python3
cd "$D" || exit 1
add_phone 00AABBCC5801 5801 pw5801
"$DIALTONE" --data "$D" line add --dn 5802 --device SEP00AABBCC5801 --password pw5802 \
	>/dev/null 2>add.err || fail "line add 5802: $(cat add.err)"
add_phone 00AABBCC5803 5803 pw5803 # one line only

cat >reg.py <<'PY'
# reg.py DN DEVICE CALLID CSEQ MODE: one Cisco REGISTER over UDP from PHONE:5080, MODE = bulk
# (first REGISTER: Reason + bulkregisterreq body), refresh (no body) or remove (Contact: *).
import socket, sys
addr, phone, dn, dev, callid, cseq, mode = sys.argv[1:8]
body = ("--uniqueBoundary\r\nContent-Type: application/x-cisco-remotecc-request+xml\r\n\r\n"
        "<x-cisco-remotecc-request><bulkregisterreq><contact all=\"true\"><register></register>"
        "</contact></bulkregisterreq></x-cisco-remotecc-request>\r\n--uniqueBoundary--\r\n")
mac = dev[3:].lower()
contact = ("<sip:5e6f7a8b-%s@%s:5080;transport=udp>;+sip.instance=\"<urn:uuid:00000000-0000-"
           "0000-0000-%s>\";+u.sip!devicename.ccm.cisco.com=\"%s\";+u.sip!model.ccm.cisco.com="
           "\"684\"" % (mac, phone, mac, dev))
extra = ""
if mode == "bulk":
    extra = ("Reason: SIP;cause=200;text=\"cisco-alarm:23 Name=%s ActiveLoad=sip88xx.14-2-1-"
             "0001-14.loads InactiveLoad=sip88xx.12-8-1-0001-455.loads Last=reset-restart\"\r\n"
             "Content-Type: multipart/mixed; boundary=uniqueBoundary\r\n" % dev)
else:
    body = ""
if mode == "remove":
    contact, expires = "*", 0
else:
    expires = 3600
msg = ("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:5080;branch=z9hG4bK-%s-%s\r\n"
       "From: <sip:%s@%s>;tag=%s-1\r\nTo: <sip:%s@%s>\r\nCall-ID: %s\r\nCSeq: %s REGISTER\r\n"
       "Max-Forwards: 70\r\nUser-Agent: Cisco-CP8851/14.2.1\r\nContact: %s\r\nExpires: %d\r\n"
       "%sContent-Length: %d\r\n\r\n%s"
       % (addr, phone, callid.split("@")[0], cseq, dn, addr, mac, dn, addr, callid, cseq, contact,
          expires, extra, len(body), body))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((phone, 5080))
s.settimeout(5)
s.sendto(msg.encode(), (addr, 5060))
while True:
    data = s.recv(65535).decode()
    if not data.startswith("SIP/2.0 100"):
        break
first = data.split("\r\n", 1)[0]
if not first.startswith("SIP/2.0 200"):
    sys.exit("%s %s: %s" % (mode, cseq, first))
PY
reg() { python3 reg.py "$ADDR" "$PHONE" "$@" 2>&1 || fail "REGISTER $*"; }

# wait_show DEVICE TEXT: `device show` prints TEXT within 5 s (the registrar writes in batches).
wait_show() {
	for _ in $(seq 1 50); do
		out=$("$DIALTONE" --data "$D" device show "$1" 2>&1)
		case "$out" in *"$2"*) return 0 ;; esac
		sleep 0.1
	done
	fail "device show $1: no \"$2\" in: $(echo "$out" | grep -i regist)"
}
CID=00aabbcc-58010001-00000001-00000001@$PHONE
DEV=SEP00AABBCC5801

start_serve --log-level info
# 1. the first REGISTER with the body: Registered, both lines
reg 5801 $DEV "$CID" 101 bulk
wait_show $DEV "Registered $PHONE:5080 UDP ua="
# 2. the registrar loses the bindings (here: removed), then a refresh arrives without body
reg 5801 $DEV "$CID" 102 remove
wait_show $DEV "Unregistered (DeviceUnregistered 10)"
reg 5801 $DEV "$CID" 103 refresh
wait_show $DEV "Partially Registered $PHONE:5080 UDP lines=1/2 ua=Cisco-CP8851/14.2.1"
grep -q "registered 5801 from $PHONE:5080/UDP: partially registered, 1 of 2 lines" serve.log ||
	fail "serve.log does not say partially registered"
list=$("$DIALTONE" --data "$D" device list 2>&1) || fail "device list: $list"
echo "$list" | grep "^$DEV " | grep -q "Partially Registered $PHONE " ||
	fail "device list: $(echo "$list" | grep "^$DEV ")"
"$DIALTONE" --data "$D" device list --json >list.json 2>&1 || fail "device list --json"
"$DIALTONE" --data "$D" device show $DEV --json >show.json 2>&1 || fail "device show --json"
python3 - list.json show.json "$DEV" <<'PY' || fail "json: $(cat list.json show.json)"
import json, sys
rows = json.load(open(sys.argv[1]))
rows = rows if isinstance(rows, list) else rows.get("devices", rows)
row = [r for r in rows if r["name"] == sys.argv[3]][0]
assert row["status"].startswith("Partially Registered ") and "lines=1/2" in row["status"], row
show = json.load(open(sys.argv[2]))
assert show["status"].startswith("Partially Registered ") and "lines=1/2" in show["status"], show
PY
hist=$("$DIALTONE" --data "$D" device history $DEV 2>&1) || fail "device history: $hist"
echo "$hist" | tail -n 1 | grep -q "register .*partial: 1 of 2 lines" ||
	fail "history: $hist"
"$DIALTONE" --data "$D" device history $DEV --json >hist.json 2>&1 || fail "history --json"
python3 - hist.json <<'PY' || fail "history json: $(cat hist.json)"
import json, sys
h = json.load(open(sys.argv[1]))["history"]
assert [r["event"] for r in h] == ["register", "unregister", "register"], h
assert not h[0]["partial"] and h[0]["lines_bound"] == 2 and h[0]["lines_total"] == 2, h[0]
assert h[2]["partial"] and h[2]["lines_bound"] == 1 and h[2]["lines_total"] == 2, h[2]
PY
# 3. the body again: Registered, both lines
reg 5801 $DEV "$CID" 104 bulk
wait_show $DEV "Registered $PHONE:5080 UDP ua="
"$DIALTONE" --data "$D" device show $DEV | grep -q "Partially" && fail "still partial after the body"

# 4. a restart that lost the bindings: state restored, bindings gone; the refresh → partial
sleep 1.2 # one persist batch
stop_serve
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM sip_binding"); c.commit()' \
	"$D/dialtone.db" || fail "cannot clear sip_binding"
start_serve --log-level info
grep -q " 0 bindings restored" serve.log || fail "bindings were restored: $(grep restored serve.log)"
reg 5801 $DEV "$CID" 105 refresh
wait_show $DEV "Partially Registered $PHONE:5080 UDP lines=1/2"
reg 5801 $DEV "$CID" 106 bulk
wait_show $DEV "Registered $PHONE:5080 UDP ua="

# 5. a one-line phone: a refresh without body after removal is a full registration
CID3=00aabbcc-58030001-00000001-00000001@$PHONE
reg 5803 SEP00AABBCC5803 "$CID3" 1 bulk
reg 5803 SEP00AABBCC5803 "$CID3" 2 remove
wait_show SEP00AABBCC5803 "Unregistered"
reg 5803 SEP00AABBCC5803 "$CID3" 3 refresh
wait_show SEP00AABBCC5803 "Registered $PHONE:5080 UDP ua="
stop_serve
echo "58-sip-partial: ok"
