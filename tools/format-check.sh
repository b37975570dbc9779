#!/bin/sh
# summary: fail when a C file under src/, tests/, fuzz/ or bench/ differs from .clang-format's style,
# and when a module's private header is included from outside it or src/proto includes more than core.
set -u
rc=0
files=$(find src tests fuzz bench -name '*.[ch]' 2>/dev/null | sort)
for f in $files; do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "format: $f differs from .clang-format (run: clang-format -i $f)"
		rc=1
	fi
done
# src/proto/* may include only src/core/* and its own headers (codecs are pure).
if grep -rnE '#include "(store|prov|svc|cli|net|phone|storm|analyze)/' src/proto 2>/dev/null; then
	echo "layering: src/proto includes a module above core"
	rc=1
fi
# A module's _priv.h is included only inside that module.
for p in $(find src -name '*_priv.h'); do
	dir=$(dirname "$p")
	name=$(basename "$p")
	if grep -rln "\"[a-z/]*$name\"" src tests fuzz bench 2>/dev/null | grep -v "^$dir/" | grep -v '^tests/' | grep -q .; then
		echo "layering: $name included outside $dir"
		rc=1
	fi
done
[ $rc -eq 0 ] && echo "format-check: ok"
exit $rc
