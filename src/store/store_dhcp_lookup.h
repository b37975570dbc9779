/* summary: read-only lease lookups for services other than DHCP (the file service's
 * "require_lease" guard), over the lease table of migration 0002_dhcp.sql.
 *
 * The DHCP service keeps its leases in memory and writes them through its own connection; in both
 * persistence modes a lease is committed before its ACK leaves (with [dhcp] persist_batch_ms > 0,
 * the default, the ACK waits for its batch's commit), so this lookup sees a lease before the phone
 * can ask for its config. Only a DHCP server sharing this database file (same node) is seen.
 */
#ifndef DT_STORE_STORE_DHCP_LOOKUP_H
#define DT_STORE_STORE_DHCP_LOOKUP_H

#include <stdint.h>

#include "core/err.h"

struct store;

/* The MAC (12 upper-case hex digits into mac[13]) holding a bound lease on ip (IPv4, host byte
 * order) that has not expired at `now` (unix seconds). DT_OK, DT_ENOENT when no such lease
 * (none, released, expired, declined), DT_EDB on a database error (e names it). */
int store_dhcp_lease_by_ip(struct store *st, uint32_t ip, int64_t now, char mac[13],
			   struct dt_errbuf *e);

#endif
