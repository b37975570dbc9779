/* summary: private map of the dhcp module: the hash map, the server struct and the reply
 * builder shared by its files. Included only inside src/dhcp/ (and by its unit tests). */
#ifndef DT_DHCP_DHCP_PRIV_H
#define DT_DHCP_DHCP_PRIV_H

#include "dhcp/dhcp_server.h"

/* dhcp_map.c: open addressing (linear probing, backward-shift delete) from a 64-bit key to a
 * 64-bit value. Keys are MACs (48 bits) or IPv4 addresses; stored as key + 1 so 0 marks empty. */
struct dhcp_map_slot {
	uint64_t key;
	uint64_t val;
};
struct dhcp_map {
	struct dhcp_map_slot *slots;
	uint32_t cap; /* power of two, or 0 before the first put */
	uint32_t n;
};
/* Insert or replace; DT_ENOMEM. */
int dhcp_map_put(struct dhcp_map *m, uint64_t key, uint64_t val);
/* 0 and *val when present, -1 when not. */
int dhcp_map_get(const struct dhcp_map *m, uint64_t key, uint64_t *val);
void dhcp_map_del(struct dhcp_map *m, uint64_t key);
void dhcp_map_clear(struct dhcp_map *m);
void dhcp_map_free(struct dhcp_map *m);
/* Bytes held by the map (for the memory target). */
size_t dhcp_map_bytes(const struct dhcp_map *m);

/* 16 bytes per lease: 100,000 leases = 1.6 MB plus two maps. */
struct dhcp_lease {
	uint32_t ip;	/* host order; for a free slot: the next free slot */
	uint8_t mac[6]; /* zero for a declined address */
	uint8_t state;	/* 0 free slot, DHCP_LEASE_OFFERED, enum store_dhcp_state */
	uint8_t pad;
	uint32_t expires; /* unix seconds (fits until 2106) */
};

struct dhcp_subnet {
	struct store_dhcp_subnet cfg;
	uint32_t mask;
	uint32_t size;	 /* pool addresses */
	uint64_t *used;	 /* bit per pool address: a lease record exists */
	uint32_t cursor; /* next pool offset to try */
	uint32_t in_use; /* see struct dhcp_pool_stats */
	uint64_t exhausted;
	int64_t full_since; /* when the last full scan found nothing (0 = not full) */
};

struct dhcp_server {
	struct dhcp_server_cfg cfg;
	struct dhcp_subnet *subnets;
	int n_subnets;
	uint32_t tftp_nodes[STORE_DHCP_MAX_IPS];
	int n_tftp_nodes;
	struct dhcp_lease *leases;
	uint32_t n_leases, cap_leases, free_head; /* free_head: 1 + index, 0 = none */
	uint32_t live;				  /* slots in use */
	struct dhcp_map by_ip, by_mac;		  /* → lease index */
	struct dhcp_map dev_by_mac;		  /* known device → reserved ip (0 = none) */
	struct dhcp_map dev_by_ip;		  /* reserved ip → mac */
};

/* dhcp_server.c: the lease table and pools. Pointers to leases are invalidated by
 * dhcp_lease_new (the array may move): look them up again after it. */
uint64_t dhcp_mac_key(const uint8_t mac[6]);
struct dhcp_subnet *dhcp_subnet_of(const struct dhcp_server *s, uint32_t ip);
int dhcp_in_pool(const struct dhcp_subnet *sn, uint32_t ip);
struct dhcp_lease *dhcp_lease_by_ip(const struct dhcp_server *s, uint32_t ip);
struct dhcp_lease *dhcp_lease_by_mac(const struct dhcp_server *s, const uint8_t mac[6]);
/* New record for ip owned by mac, indexed by both; state 0 until dhcp_lease_set_state. */
struct dhcp_lease *dhcp_lease_new(struct dhcp_server *s, uint32_t ip, const uint8_t mac[6]);
/* Change state, keeping the pool's in-use counter right. */
void dhcp_lease_set_state(struct dhcp_server *s, struct dhcp_lease *l, int state);
/* Make l the record the MAC index points to; DT_ENOMEM. */
int dhcp_lease_claim(struct dhcp_server *s, struct dhcp_lease *l);
/* Remove the MAC index entry when it points to l. */
void dhcp_lease_drop_mac(struct dhcp_server *s, struct dhcp_lease *l);
void dhcp_lease_free(struct dhcp_server *s, struct dhcp_lease *l);
/* Offered, bound or declined, and not past its expiry. */
int dhcp_lease_active(const struct dhcp_lease *l, int64_t now);
int dhcp_reserved_for_other(const struct dhcp_server *s, uint32_t ip, const uint8_t mac[6]);
/* ip is one of the server's own addresses (server_id, local_addr, addrs[]): never leased. */
int dhcp_server_own(const struct dhcp_server *s, uint32_t ip);
/* A free pool address for mac into *ip (reclaiming an expired one if needed); -1 when the pool
 * is exhausted (then not scanned again for a second). */
int dhcp_pool_pick(struct dhcp_server *s, struct dhcp_subnet *sn, int64_t now, const uint8_t mac[6],
		   uint32_t *ip);

/* dhcp_reply.c */
/* Header and options of an OFFER/ACK (type) for m with yiaddr and lease time lt (0 = INFORM: no
 * lease options), the destination per RFC 2131 §4.1, and option 82 echoed. */
void dhcp_reply_build(const struct dhcp_server *s, const struct dhcp_subnet *sn,
		      const struct dhcp_msg *m, int type, uint32_t yiaddr, uint32_t lt,
		      struct dhcp_reply *r);
/* A NAK for m (RFC 2131 §4.3.2), with why as option 56. */
void dhcp_reply_nak(const struct dhcp_server *s, const struct dhcp_msg *m, const char *why,
		    struct dhcp_reply *r);

#endif
