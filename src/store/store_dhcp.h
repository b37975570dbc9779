/* summary: DHCP tables of the database: subnets (pools and options) and the lease table.
 *
 * Subnets are admin data, written through the main store handle like every other admin write
 * (one transaction that also appends ("dhcp", CIDR) to the change log, so a running server picks
 * the change up without a restart). Leases are written by the DHCP service on the hot path through
 * a separate connection, struct store_dhcp_writer, with synchronous=NORMAL: in WAL mode a
 * committed lease survives kill -9 of the process (not a power cut), the same guarantee as Kea's
 * memfile, without one fsync per DORA. Addresses are IPv4 in host byte order.
 * Every function returns DT_OK or an error with e->msg naming the field; used by one thread.
 */
#ifndef DT_STORE_STORE_DHCP_H
#define DT_STORE_STORE_DHCP_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct store;

#define STORE_DHCP_MAX_IPS 8

struct store_dhcp_subnet {
	int64_t id;
	uint32_t network; /* host bits zero */
	int prefix;	  /* 8..30 */
	uint32_t pool_first, pool_last;
	uint32_t router; /* 0 = none */
	uint32_t dns[STORE_DHCP_MAX_IPS];
	int n_dns;
	uint32_t ntp[STORE_DHCP_MAX_IPS];
	int n_ntp;
	uint32_t tftp[STORE_DHCP_MAX_IPS]; /* option 150 in this order; none = the file nodes */
	int n_tftp;
	char domain[128];   /* option 15, "" = none */
	char option66[128]; /* option 66, "" = none */
	uint32_t lease_time;
	int vlan;	     /* informational: the voice VLAN this subnet serves (0 = untagged) */
	int known_only;	     /* only MACs in the device table get addresses */
	int tftp_cisco_only; /* option 150 only to vendor class "Cisco..." */
};

/* Lease states as stored (struct dhcp_lease uses the same numbers). */
enum store_dhcp_state {
	STORE_DHCP_BOUND = 2,
	STORE_DHCP_RELEASED = 3,
	STORE_DHCP_EXPIRED = 4,
	STORE_DHCP_DECLINED = 5,
};

struct store_dhcp_lease {
	uint32_t ip;
	uint8_t mac[6];	 /* all zero for a declined address */
	int state;	 /* enum store_dhcp_state */
	int64_t expires; /* unix seconds */
	char hostname[64];
};

/* Dotted quad → *ip (strict: four decimal parts). DT_EINVAL naming field. */
int store_dhcp_ip_parse(const char *field, const char *s, uint32_t *ip, struct dt_errbuf *e);
/* "A,B,C" → ips[], at most STORE_DHCP_MAX_IPS. DT_EINVAL naming field. */
int store_dhcp_ips_parse(const char *field, const char *s, uint32_t *ips, int *n,
			 struct dt_errbuf *e);
/* "10.1.2.0/24" → network and prefix; DT_EINVAL when host bits are set or prefix not 8..30. */
int store_dhcp_cidr_parse(const char *s, uint32_t *network, int *prefix, struct dt_errbuf *e);
/* ip as dotted text into buf[16]; returns buf. */
char *store_dhcp_ip_text(uint32_t ip, char buf[16]);
/* Addresses as "A,B" into buf (cap bytes); returns buf. */
char *store_dhcp_ips_text(const uint32_t *ips, int n, char *buf, size_t cap);

/* Validate sn (pool inside the network without its network and broadcast addresses, router
 * inside and outside the pool, no overlap with another subnet, option 66 text, lease time) and
 * insert it. DT_EEXIST when the same CIDR exists, DT_ECONFLICT when it overlaps another. */
int store_dhcp_subnet_add(struct store *st, const struct store_dhcp_subnet *sn,
			  struct dt_errbuf *e);
/* Delete the subnet network/prefix and the leases inside it. DT_ENOENT when absent. */
int store_dhcp_subnet_delete(struct store *st, uint32_t network, int prefix, struct dt_errbuf *e);
/* Each subnet in address order; fn returning non-zero stops (and is returned). */
int store_dhcp_subnet_foreach(struct store *st,
			      int (*fn)(const struct store_dhcp_subnet *sn, void *arg), void *arg,
			      struct dt_errbuf *e);
/* Each lease row in address order (through the main handle: for the CLI and the service's
 * start-up load). */
int store_dhcp_lease_foreach(struct store *st,
			     int (*fn)(const struct store_dhcp_lease *l, void *arg), void *arg,
			     struct dt_errbuf *e);

/* The lease writer: its own connection to the database file of st. */
struct store_dhcp_writer;
int store_dhcp_writer_open(struct store *st, struct store_dhcp_writer **out, struct dt_errbuf *e);
void store_dhcp_writer_close(struct store_dhcp_writer *w);
/* Group several writes in one transaction (batch mode); without begin each write commits alone.
 * Callers keep the transaction short (begin, writes, commit in one call chain): a transaction held
 * open across event-loop iterations blocks every other writer of the database file. */
int store_dhcp_writer_begin(struct store_dhcp_writer *w, struct dt_errbuf *e);
int store_dhcp_writer_commit(struct store_dhcp_writer *w, struct dt_errbuf *e);
/* Undo the writes since begin (no-op outside a transaction). */
void store_dhcp_writer_rollback(struct store_dhcp_writer *w);
/* Insert or replace the row of l->ip. */
int store_dhcp_lease_put(struct store_dhcp_writer *w, const struct store_dhcp_lease *l,
			 struct dt_errbuf *e);
/* Delete the row of ip (absent is not an error). */
int store_dhcp_lease_remove(struct store_dhcp_writer *w, uint32_t ip, struct dt_errbuf *e);

#endif
