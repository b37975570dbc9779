#!/bin/sh
# summary: generated files end to end with the real binary: `files list|show` after `device add` /
# `line add` (XML checked by xmllint, the libxml2 CLI), exit codes, and a change made by a
# separate CLI process reaching a running `serve` (HTTP 6970) without restart.
ADDR=127.0.35.1
. "$(dirname "$0")/lib/files.sh"
need curl curl
need xmllint libxml2-utils
M=00:11:22:33:44:55
S=SEP001122334455

"$DIALTONE" --data "$D" device add --mac $M --model 8851 >/dev/null 2>"$D/err" ||
	fail "cannot provision a phone: $(head -n 1 "$D/err")"
"$DIALTONE" --data "$D" line add --dn 2001 --device $S --display "Lab <one>" \
	--password s3cret >/dev/null 2>"$D/err" || fail "line add: $(cat "$D/err")"
"$DIALTONE" --data "$D" device add --mac 001122334466 --model 7841 >/dev/null || fail "add 2"
"$DIALTONE" --data "$D" line add --dn 2001 --device SEP001122334466 >/dev/null 2>"$D/err" ||
	fail "shared line add: $(cat "$D/err")"

# Before any serve ran, the Default CallManager group has no member: the phone could not register,
# so its file is refused, and `files show` says why in one line naming the element.
"$DIALTONE" --data "$D" files show $S.cnf.xml >/dev/null 2>"$D/err"
[ $? -eq 1 ] || fail "unregistrable file shown"
[ "$(wc -l <"$D/err")" -eq 1 ] && grep -q "callManagerGroup/members/member is missing" "$D/err" ||
	fail "not-published message: $(cat "$D/err")"

# serve makes its node the Default group's member; the CLI then builds the same files.
start_serve
# files list: every generated name, with size, version and device.
"$DIALTONE" --data "$D" files list >"$D/list" || fail "files list"
for n in $S.cnf.xml SEP001122334466.cnf.xml XMLDefault.cnf.xml SoftKeys.xml DialTemplate.xml \
	Ringlist.xml Ringlist-wb.xml; do
	grep -q "^$n " "$D/list" || fail "files list lacks $n: $(cat "$D/list")"
done
grep -q "^$S.cnf.xml .* 1 $S\$" "$D/list" || fail "list row for $S: $(grep "$S" "$D/list")"
"$DIALTONE" --data "$D" files list --json | grep -q "\"name\": \"$S.cnf.xml\"" || fail "--json"

# files show: the bytes a phone receives, well-formed, with the line and its shared flag.
"$DIALTONE" --data "$D" files show sep001122334455.CNF.xml >"$D/sep.xml" || fail "files show"
xmllint --noout "$D/sep.xml" || fail "xmllint refuses the SEP file"
x() { xmllint --xpath "string($1)" "$D/sep.xml"; }
[ "$(x /device/sipProfile/sipLines/line/name)" = 2001 ] || fail "line name"
[ "$(x /device/sipProfile/sipLines/line/displayName)" = "Lab <one>" ] || fail "display"
[ "$(x /device/sipProfile/sipLines/line/sharedLine)" = true ] || fail "sharedLine"
[ "$(x /device/loadInformation)" = sip88xx.14-2-1-0001-14 ] || fail "default load"
[ "$(x //member/callManager/processNodeName)" = $ADDR ] || fail "CM member is not serve's node"
for n in XMLDefault.cnf.xml SoftKeys.xml DialTemplate.xml Ringlist.xml Ringlist-wb.xml; do
	"$DIALTONE" --data "$D" files show $n | xmllint --noout - || fail "xmllint refuses $n"
done
[ "$("$DIALTONE" --data "$D" files show XMLDefault.cnf.xml |
	xmllint --xpath 'string(/Default/loadInformation684/@model)' -)" = "Cisco 8851" ] ||
	fail "XMLDefault loadInformation684"

# Not found: exit 1, one line naming the file; bad usage: exit 2.
"$DIALTONE" --data "$D" files show SEP0000000000FF.cnf.xml >/dev/null 2>"$D/err"
[ $? -eq 1 ] || fail "missing file: exit not 1"
[ "$(wc -l <"$D/err")" -eq 1 ] && grep -q "SEP0000000000FF.cnf.xml" "$D/err" ||
	fail "missing file message: $(cat "$D/err")"
"$DIALTONE" --data "$D" files show >/dev/null 2>&1
[ $? -eq 2 ] || fail "files show without NAME: exit not 2"

# A running serve picks up a change made by another process, no restart.
U="http://$ADDR:6970/$S.cnf.xml"
curl -sf -o "$D/h1" "$U" || fail "GET before change"
cmp -s "$D/h1" "$D/sep.xml" || fail "served file differs from files show"
"$DIALTONE" --data "$D" device set $S --load sip88xx.14-3-1-0001-99 >/dev/null || fail "device set"
ok=
for _ in $(seq 1 200); do
	curl -sf -o "$D/h2" "$U" && grep -q 'sip88xx.14-3-1-0001-99' "$D/h2" && { ok=1; break; }
	sleep 0.01
done
[ -n "$ok" ] || fail "change not served within 2 s"
# Only that phone's file changed: the other one keeps version 1.
"$DIALTONE" --data "$D" files list | grep -q '^SEP001122334466.cnf.xml .* 1 SEP001122334466$' ||
	fail "untouched phone's version changed"
echo "35-prov-files: ok"
