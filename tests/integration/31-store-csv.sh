#!/bin/sh
# summary: CSV import/export (docs/csv.md): RFC 4180 quoting, export → import into a fresh
# database reproduces every phone and line byte for byte, and a file with one bad row is rejected
# whole with an error naming the row and column (nothing written, change log untouched).
. "$(dirname "$0")/lib/store.sh"
need python3 python3

# A file as a spreadsheet would save it: BOM, CRLF, quoted commas and quotes, columns in any
# order, shared line 3000 on two phones.
printf '\357\273\277model,mac,description,security,line1_dn,line1_display,line1_password,line2_dn,line2_label\r\n' >"$D/in.csv"
printf '8851,00:11:22:33:44:01,"Lobby, ""main"" floor",non-secure,3001,"Lee, Ann",pw1,3000,Hunt\r\n' >>"$D/in.csv"
printf '7841,0011.2233.4402,Lab,authenticated,3002,Bo,pw2,3000,Hunt\r\n' >>"$D/in.csv"
printf '8865,001122334403,,encrypted,,,,,\r\n' >>"$D/in.csv"
expect 0 "" import "$D/in.csv"
grep -q 'imported 3 devices, 4 line appearances' "$D/out" || fail "import summary: $(cat "$D/out")"
dt device show SEP001122334401 --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["description"] == "Lobby, \"main\" floor", d
assert [(l["button"], l["dn"], l["display"], l["label"]) for l in d["lines"]] == \
    [(1, "3001", "Lee, Ann", ""), (2, "3000", "", "Hunt")], d["lines"]' || fail "quoted fields"

# Round trip: export, import into a fresh database, export again: identical bytes.
expect 0 "" export "$D/a.csv"
[ "$(stat -c %a "$D/a.csv")" = 600 ] || fail "export file mode is not 0600 (it holds passwords)"
head -n 1 "$D/a.csv" | grep -q '^mac,name,model,pool,description,security,load,ip,digest_user,user_locale,network_locale,sip_profile,common_profile,softkey_template,dial_rules,line1_dn,line1_display,line1_label,line1_auth_user,line1_password,line2_dn' ||
	fail "export header: $(head -n 1 "$D/a.csv")"
D1=$D
D=$(mktemp -d /tmp/dt-store-it2.XXXXXX)
expect 0 "" import "$D1/a.csv"
expect 0 "" export "$D/b.csv"
cmp "$D1/a.csv" "$D/b.csv" || { rm -rf "$D"; D=$D1; fail "export → import → export differs"; }
# Standard output works too.
dt export | cmp - "$D/b.csv" || { rm -rf "$D"; D=$D1; fail "export to stdout differs"; }
rm -rf "$D"
D=$D1

# One bad row among good ones: rejected whole, error names row and column, nothing written.
before=$(dt export | md5sum)
log_before=$(sqlite3 "$D/dialtone.db" 'SELECT max(seq) FROM change_log' 2>/dev/null || echo x)
bad() { # bad EXPECTED-ERROR-REGEX ROW3
	printf 'mac,model,line1_dn,line1_display\n001122334410,8851,4010,Ok\n%s\n001122334412,8851,4012,Ok\n' "$2" >"$D/bad.csv"
	expect 1 "$1" import "$D/bad.csv"
	[ "$(dt export | md5sum)" = "$before" ] || fail "a rejected import changed the database ($2)"
}
bad '^dialtone: row 3: mac: ' '00112233441Z,8851,4011,Bad'
bad '^dialtone: row 3: mac: 001122334401 already exists' '00:11:22:33:44:01,8851,4011,Dup'
bad '^dialtone: row 3: model: unknown model' '001122334411,7960,4011,Old'
bad '^dialtone: row 3: mac: 001122334410 already exists' '0011.2233.4410,8851,4011,Twice'
bad '^dialtone: row 3: line1_display: DN 3001 exists with a different display' '001122334411,8851,3001,Other'
bad '^dialtone: row 3: line1_dn: ' '001122334411,8851,40 11,Space'
bad '^dialtone: row 3: 3 fields, the header has 4' '001122334411,8851,4011'
bad '^dialtone: row 3: field 4: quote inside an unquoted field' '001122334411,8851,4011,Bad"quote'
bad '^dialtone: row 3: field 4: text after a closing quote' '001122334411,8851,4011,"Bad"x'
printf 'mac,model,line1_dn,line3_dn\n001122334411,7821,,4013\n' >"$D/bad.csv"
expect 1 '^dialtone: row 2: line3_dn: button: 3 is beyond the 2 buttons of SEP001122334411' import "$D/bad.csv"
printf 'mac,model,line1_display\n001122334411,7821,Orphan\n' >"$D/bad.csv"
expect 1 '^dialtone: row 2: line1_dn: empty but line 1 has other values' import "$D/bad.csv"
printf 'mac,model,colour\n001122334410,8851,red\n' >"$D/bad.csv"
expect 1 "^dialtone: row 1: column 3 'colour': unknown column" import "$D/bad.csv"
printf 'mac,description\n001122334410,x\n' >"$D/bad.csv"
expect 1 '^dialtone: row 1: the header needs the columns mac and model' import "$D/bad.csv"
printf 'mac,model,description\n001122334410,8851,"never closed\n' >"$D/bad.csv"
expect 1 '^dialtone: row 2: field 3: quoted field not closed' import "$D/bad.csv"
printf 'mac,model,"bad\ncol"\n001122334410,8851,x\n' >"$D/bad.csv"
expect 1 "^dialtone: row 1: column 3 'bad\\?col': unknown column" import "$D/bad.csv"
for i in 1 2 3; do
	head -c 65536 /dev/urandom >"$D/bad.csv"
	expect 1 '^dialtone: row [0-9]+: ' import "$D/bad.csv"
done
expect 1 '^dialtone: file: ' import "$D/missing.csv"
expect 2 '^dialtone: import: expected one FILE.csv' import
if [ "$log_before" != x ]; then
	[ "$(sqlite3 "$D/dialtone.db" 'SELECT max(seq) FROM change_log')" = "$log_before" ] ||
		fail "a rejected import wrote to the change log"
fi
echo "ok"
