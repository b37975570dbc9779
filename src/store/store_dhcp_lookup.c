/* summary: store_dhcp_lease_by_ip: which MAC holds a bound lease on an address (file service
 * guard). Reads the dhcp_lease table (0002_dhcp.sql) through the caller's handle; the DHCP service
 * writes it through its own connection (store_dhcp.c), so a WAL reader sees each committed lease.
 */
#include "store/store_dhcp_lookup.h"

#include <string.h>

#include "store/store_priv.h"

/* 2 = bound (enum store_dhcp_state); rows in other states keep their MAC for history only. */
#define LEASE_SQL "SELECT mac FROM dhcp_lease WHERE ip = ? AND state = 2 AND expires > ?"

int
store_dhcp_lease_by_ip(struct store *st, uint32_t ip, int64_t now, char mac[13],
		       struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st, LEASE_SQL, e);
	int rc;

	mac[0] = 0;
	if (!s)
		return DT_EDB;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)ip);
	sqlite3_bind_int64(s, 2, now);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		col_text(s, 0, mac, 13);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return mac[0] ? DT_OK : DT_ENOENT;
	if (rc != SQLITE_DONE)
		return db_fail(st, e, "dhcp_lease");
	return dt_errf(e, DT_ENOENT, "lease: no bound lease on this address");
}
