/* summary: the [files] require_lease guard: a per-device file (SEP<MAC>…) goes only to the
 * address the DHCP server leased to that MAC.
 *
 * Why: [files] allow trusts whole subnets, so any host on the voice VLAN could fetch every phone's
 * SIP passwords by guessing MACs; tying the file to the lease means only the phone that booted
 * with that MAC (or a host that stole its address) gets it. One indexed lookup per per-device
 * request (the lease table's primary key is the address). IPv6 clients, and IPv4 clients when no
 * database is attached, hold no DHCPv4 lease and are refused: the guard fails closed.
 */
#include "files/files_priv.h"

#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "store/store_dhcp_lookup.h"

/* The IPv4 address of client (plain or v4-mapped IPv6) in host order; 0 when it has none. */
static int
client_v4(const struct sockaddr *sa, uint32_t *ip)
{
	if (sa->sa_family == AF_INET) {
		*ip = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
		return 1;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (!IN6_IS_ADDR_V4MAPPED(a))
			return 0;
		*ip = (uint32_t)a->s6_addr[12] << 24 | (uint32_t)a->s6_addr[13] << 16 |
		      (uint32_t)a->s6_addr[14] << 8 | a->s6_addr[15];
		return 1;
	}
	return 0;
}

int
flease_ok(struct store *st, const struct sockaddr *client, const char *device)
{
	struct dt_errbuf e = {0, ""};
	char mac[13];
	uint32_t ip;

	if (!client)
		return 1; /* local use (CLI): no network client to check */
	if (!st || !client_v4(client, &ip) || strlen(device) != 15)
		return 0;
	if (store_dhcp_lease_by_ip(st, ip, (int64_t)time(NULL), mac, &e) != DT_OK)
		return 0;
	/* device is "SEP" + 12 upper-case hex (files_name_device), mac is stored upper-case. */
	return strcmp(device + 3, mac) == 0;
}
