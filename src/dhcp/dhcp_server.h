/* summary: the DHCPv4 server logic (RFC 2131 §3-4): subnets, pools, leases, reservations and the
 * decision for each client message, without sockets or a database.
 *
 * The service (src/svc/svc_dhcp.c) decodes a datagram, calls dhcp_server_handle() and then does
 * what struct dhcp_reply says: write the lease changes (before sending, so an ACKed lease is
 * durable), send the encoded reply to the address RFC 2131 §4.1 names, log `why` for drops.
 * Everything here is in memory and indexed by hash (MAC → lease, address → lease, MAC →
 * reservation), so 100,000 leases cost a few MiB (DT_MEM_DHCP) and each message O(1) work;
 * only pool exhaustion scans a pool, at most once per second per subnet.
 * One owner, one thread: a struct dhcp_server is not thread-safe. Times are unix seconds.
 */
#ifndef DT_DHCP_DHCP_SERVER_H
#define DT_DHCP_DHCP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "proto/dhcp/dhcp.h"
#include "store/store_dhcp.h"

struct dhcp_server;

/* In-memory lease states: 1 offered, then the stored ones (enum store_dhcp_state). */
#define DHCP_LEASE_OFFERED 1

/* Addresses one server answers on (one relay socket each, [server] listen). */
#define DHCP_SERVER_MAX_ADDRS 8

struct dhcp_server_cfg {
	uint32_t server_id;	/* option 54 and the address clients unicast to */
	uint32_t local_addr;	/* address of the interface direct clients are on (0 = none) */
	uint32_t offer_hold;	/* seconds an unanswered OFFER keeps its address (30) */
	uint32_t decline_hold;	/* seconds a DECLINEd address stays out of use (3600) */
	int default_lease_time; /* for subnets without one (86400) */
	/* Every address the server answers on (its relay sockets): each is option 54 of the
	 * replies to what arrived on it, and none is ever leased. */
	uint32_t addrs[DHCP_SERVER_MAX_ADDRS];
	int n_addrs;
};

/* Per-subnet counters, for stats lines and the exhaustion warning. */
struct dhcp_pool_stats {
	uint32_t network;
	int prefix;
	uint32_t size;	    /* addresses in the pool */
	uint32_t in_use;    /* offered, bound or declined and not yet expired */
	uint64_t exhausted; /* DISCOVERs that found no free address */
};

/* A lease change the caller must write before sending the reply. */
struct dhcp_persist {
	int remove; /* 1: delete the row of lease.ip; 0: insert or replace lease */
	struct store_dhcp_lease lease;
};

enum dhcp_action {
	DHCP_DROP = 0, /* nothing to send; why says why */
	DHCP_SEND,     /* send out to dst */
};

struct dhcp_reply {
	int action;
	const char *why;     /* static text for the log (drops, NAKs, silent outcomes) */
	struct dhcp_out out; /* the reply, ready for dhcp_encode() */
	size_t max_len;	     /* largest UDP payload the client accepts (option 57 - 28) */
	uint32_t dst_ip;     /* host order */
	uint16_t dst_port;
	int to_relay;	    /* dst is a relay agent (giaddr): send from the UDP socket */
	int l2_unicast;	    /* client has no address yet: frame to chaddr (raw socket) */
	int l2_broadcast;   /* broadcast 255.255.255.255 to ff:ff:ff:ff:ff:ff */
	int exhausted;	    /* set when this message found its pool exhausted */
	int subnet;	    /* index of the subnet used, -1 when none */
	uint32_t server_id; /* option 54 of the reply: the address the message came to */
	struct dhcp_persist persist[2];
	int n_persist;
};

/* New server with no subnets. DT_ENOMEM. */
int dhcp_server_new(const struct dhcp_server_cfg *cfg, struct dhcp_server **out);
void dhcp_server_free(struct dhcp_server *s);

/* Replace the subnets (from the database); the next reply uses their options. Leases are kept:
 * call dhcp_server_prune next to drop those the new subnets no longer cover. DT_ENOMEM. */
int dhcp_server_set_subnets(struct dhcp_server *s, const struct store_dhcp_subnet *subs, int n);
/* Drop the leases on no subnet, and those outside their subnet's pool that are not the holder's
 * reservation (a deleted subnet or a shrunk pool): *gone (may be NULL) is called with each
 * address, whose row must be deleted. Their clients are then NAKed or ignored like strangers.
 * Returns how many were dropped. */
int dhcp_server_prune(struct dhcp_server *s, void (*gone)(uint32_t ip, void *arg), void *arg);
/* Option 150 for subnets without their own list: the cluster nodes running the file service. */
void dhcp_server_set_tftp_nodes(struct dhcp_server *s, const uint32_t *ips, int n);

/* Device table facts: mac is a known device, reserved ip (0 = none). Replaces what was known of
 * mac. DT_ENOMEM. */
int dhcp_server_device_set(struct dhcp_server *s, const uint8_t mac[6], uint32_t ip);
/* mac is no longer in the device table. */
void dhcp_server_device_forget(struct dhcp_server *s, const uint8_t mac[6]);
/* Forget every device (before a full reload). */
void dhcp_server_devices_clear(struct dhcp_server *s);

/* Restore a stored lease at start-up. DT_ENOMEM; DT_EEXIST when its address is already taken. */
int dhcp_server_lease_load(struct dhcp_server *s, const struct store_dhcp_lease *l);

/* Decide what to do with a decoded client message that arrived at `now` on the server address
 * local (0 = cfg.server_id; it becomes the reply's option 54). Fills r (r->action, r->why, the
 * reply and the lease changes). Never fails: bad input is a DHCP_DROP with a why. */
void dhcp_server_handle(struct dhcp_server *s, const struct dhcp_msg *m, uint32_t local,
			int64_t now, struct dhcp_reply *r);

/* Age leases: unanswered offers and spent declines are freed (*gone called for declines, whose
 * rows must be deleted), bound leases past expiry become expired (kept for the same client).
 * Returns how many changed. */
int dhcp_server_expire(struct dhcp_server *s, int64_t now, void (*gone)(uint32_t ip, void *arg),
		       void *arg);

/* Number of subnets and their counters (i < dhcp_server_n_subnets). */
int dhcp_server_n_subnets(const struct dhcp_server *s);
void dhcp_server_pool_stats(const struct dhcp_server *s, int i, struct dhcp_pool_stats *st);
/* Leases in the table (any state). */
size_t dhcp_server_n_leases(const struct dhcp_server *s);

/* ---- loading from the database (dhcp_load.c); errors with e set ---- */
struct store;
/* Replace the subnets with the database's; *n gets their number. */
int dhcp_load_subnets(struct dhcp_server *s, struct store *st, int *n, struct dt_errbuf *e);
/* Option 150 default: IPv4 addresses of the nodes whose services include tftp; *n their number. */
int dhcp_load_nodes(struct dhcp_server *s, struct store *st, int *n, struct dt_errbuf *e);
/* Every device's MAC and reservation (replacing what was known). */
int dhcp_load_devices(struct dhcp_server *s, struct store *st, struct dt_errbuf *e);
/* Refresh one device by name (SEP<MAC>); a deleted device is forgotten. */
int dhcp_load_device(struct dhcp_server *s, struct store *st, const char *name,
		     struct dt_errbuf *e);
/* Restore stored leases at start-up; *n gets how many. */
int dhcp_load_leases(struct dhcp_server *s, struct store *st, int *n, struct dt_errbuf *e);

/* ---- the I/O seam used by the service (dhcp_sock.c) ---- */
/* Non-blocking UDP socket bound to addr:port (addr 0 = any), SO_BROADCAST on, bound to ifname
 * when not NULL/"", SO_REUSEADDR when reuse (direct mode only: see dhcp_sock.c). DT_EIO with e
 * naming the address and port. */
int dhcp_sock_udp(uint32_t addr, int port, const char *ifname, int reuse, int *fd,
		  struct dt_errbuf *e);
/* Send-only AF_PACKET socket on ifname; *ifindex and *ifaddr (its IPv4 address) filled. */
int dhcp_sock_packet(const char *ifname, int *fd, int *ifindex, uint32_t *ifaddr,
		     struct dt_errbuf *e);
/* Send a DHCP payload of plen bytes placed at buf + DHCP_IPUDP_LEN as an IPv4/UDP frame from
 * src:67 to dst:68, Ethernet destination mac. DT_ERANGE, DT_EIO (errno kept). */
int dhcp_sock_send_frame(int fd, int ifindex, const uint8_t mac[6], uint8_t *buf, size_t cap,
			 size_t plen, uint32_t src, uint32_t dst);

#endif
