/* summary: the DHCP service's sockets: the UDP socket for relayed clients and, for clients on a
 * local segment, a UDP socket bound to the interface plus an AF_PACKET socket to send frames.
 *
 * Why a packet socket: RFC 2131 §4.1 says an OFFER/ACK to a client without an address and
 * without the broadcast flag goes to its MAC and yiaddr; the kernel cannot send that from a UDP
 * socket (it would ARP for an address nobody holds yet). ISC dhcpd and Kea use raw sockets for
 * the same reason. We receive with a UDP socket (SO_BINDTODEVICE, port 67 on any address), which
 * sees broadcasts without a BPF program, and send with SOCK_DGRAM packet sockets, where the
 * kernel adds the Ethernet header for the MAC we give.
 */
#include "dhcp/dhcp_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/err.h"

int
dhcp_sock_udp(uint32_t addr, int port, const char *ifname, int reuse, int *out, struct dt_errbuf *e)
{
	struct sockaddr_in sa;
	int one = 1, fd;

	*out = -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return dt_errf(e, DT_EIO, "dhcp: socket: %s", strerror(errno));
	/* Only in direct mode, where the interface socket (any:67) and the relay socket
	 * (listen:67) must coexist; otherwise a second server on the same address must fail to
	 * start instead of silently sharing port 67. */
	if (reuse)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
	/* Large receive buffer: a boot storm arrives in bursts and a lease commit (a WAL
	 * checkpoint's fsync) can stall the loop for tens of ms. SO_RCVBUF is capped by
	 * net.core.rmem_max (~200 KB, ~150 DHCP datagrams), so ask with SO_RCVBUFFORCE first
	 * (we run as root for port 67). Measured at 8,000 DORA/s in batch mode: 273 + 81 of
	 * 24,000 exchanges lost in one run with the capped buffer, 0-11 per run with 4 MB. */
	{
		int rcv = 4 << 20;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
	}
	if (ifname && ifname[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0) {
		int err = errno;
		close(fd);
		return dt_errf(e, DT_EIO, "dhcp: interface %s: %s", ifname, strerror(err));
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int err = errno;
		char a[INET_ADDRSTRLEN];
		close(fd);
		inet_ntop(AF_INET, &sa.sin_addr, a, sizeof a);
		return dt_errf(e, DT_EIO, "dhcp: bind %s:%d: %s", a, port, strerror(err));
	}
	*out = fd;
	return DT_OK;
}

int
dhcp_sock_packet(const char *ifname, int *out, int *ifindex, uint32_t *ifaddr, struct dt_errbuf *e)
{
	struct ifreq ifr;
	struct sockaddr_ll sll;
	int fd;

	*out = -1;
	if (strlen(ifname) >= IFNAMSIZ)
		return dt_errf(e, DT_EINVAL, "dhcp: interface name '%s' too long", ifname);
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IP));
	if (fd < 0)
		return dt_errf(e, DT_EIO, "dhcp: packet socket on %s: %s (needs CAP_NET_RAW)",
			       ifname, strerror(errno));
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		int err = errno;
		close(fd);
		return dt_errf(e, DT_EIO, "dhcp: interface %s: %s", ifname, strerror(err));
	}
	*ifindex = ifr.ifr_ifindex;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFADDR, &ifr) < 0) {
		int err = errno;
		close(fd);
		return dt_errf(e, DT_EIO, "dhcp: interface %s has no IPv4 address: %s", ifname,
			       strerror(err));
	}
	*ifaddr = ntohl(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr);
	/* Bound with protocol 0: a send-only socket, so the kernel queues it no received frames. */
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = *ifindex;
	sll.sll_protocol = 0;
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
		int err = errno;
		close(fd);
		return dt_errf(e, DT_EIO, "dhcp: bind packet socket on %s: %s", ifname,
			       strerror(err));
	}
	*out = fd;
	return DT_OK;
}

int
dhcp_sock_send_frame(int fd, int ifindex, const uint8_t mac[6], uint8_t *buf, size_t cap,
		     size_t plen, uint32_t src, uint32_t dst)
{
	struct sockaddr_ll sll;

	if (dhcp_frame_ipudp(buf, cap, plen, src, DHCP_SERVER_PORT, dst, DHCP_CLIENT_PORT) != DT_OK)
		return DT_ERANGE;
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, mac, 6);
	if (sendto(fd, buf, DHCP_IPUDP_LEN + plen, 0, (struct sockaddr *)&sll, sizeof sll) < 0)
		return DT_EIO;
	return DT_OK;
}
