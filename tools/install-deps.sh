#!/bin/sh
# summary: install the Debian 12 packages dialtone needs to build and test (as root); a no-op when
# everything is there. Build dependencies are listed here; test peers (tftp-hpa, sipp, kea, …) in
# tools/deps.txt, one per line.
#
# Why policy-rc.d: installing tftpd-hpa, dnsmasq, kea or kamailio would start their daemons on the
# real ports, and tests must only ever run the servers they start themselves.
set -eu
cd "$(dirname "$0")/.."
build_deps="build-essential pkg-config clang clang-format libsqlite3-dev sqlite3 libxml2-dev
libevent-dev libssl-dev libjansson-dev libmicrohttpd-dev libinih-dev libpcap-dev libcmocka-dev
iproute2 procps psmisc curl"
peers=$(grep -v '^#' tools/deps.txt 2>/dev/null | tr '\n' ' ' || true)
missing=""
for p in $build_deps $peers; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing (run as root)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	created_policy=1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
[ $created_policy -eq 1 ] && rm -f /usr/sbin/policy-rc.d
exit 0
