/* summary: DHCP subnets and leases in SQLite (migration 0002_dhcp.sql); see store_dhcp.h.
 *
 * Subnet writes go through the main handle inside tx_begin/tx_end and log ("dhcp", CIDR) to the
 * change log. The lease writer opens a second connection on the same file with
 * synchronous=NORMAL (WAL): a commit reaches the WAL file before it returns, so it survives the
 * process being killed; only an OS crash or power cut can lose the last commits. That is the
 * durability of Kea's memfile backend, and what lets one DORA cost one small transaction instead
 * of one fsync.
 */
#include "store/store_dhcp.h"
#include "store/store_priv.h"

#include "core/mem.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
store_dhcp_ip_text(uint32_t ip, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
	return buf;
}

char *
store_dhcp_ips_text(const uint32_t *ips, int n, char *buf, size_t cap)
{
	size_t len = 0;
	char one[16];

	buf[0] = '\0';
	for (int i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? "," : "",
					store_dhcp_ip_text(ips[i], one));
	return buf;
}

int
store_dhcp_ip_parse(const char *field, const char *s, uint32_t *ip, struct dt_errbuf *e)
{
	struct in_addr a;

	/* inet_pton accepts exactly four decimal parts, unlike inet_aton ("10.1" or hex). */
	if (inet_pton(AF_INET, s, &a) != 1)
		return dt_errf(e, DT_EINVAL, "%s: '%s' is not an IPv4 address", field, s);
	*ip = ntohl(a.s_addr);
	return DT_OK;
}

int
store_dhcp_ips_parse(const char *field, const char *s, uint32_t *ips, int *n, struct dt_errbuf *e)
{
	char buf[256], *save = NULL, *w;
	int rc;

	*n = 0;
	if (strlen(s) >= sizeof buf)
		return dt_errf(e, DT_EINVAL, "%s: list too long", field);
	strcpy(buf, s);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (*n == STORE_DHCP_MAX_IPS)
			return dt_errf(e, DT_EINVAL, "%s: more than %d addresses", field,
				       STORE_DHCP_MAX_IPS);
		if ((rc = store_dhcp_ip_parse(field, w, &ips[*n], e)) != DT_OK)
			return rc;
		(*n)++;
	}
	if (*n == 0)
		return dt_errf(e, DT_EINVAL, "%s: no address", field);
	return DT_OK;
}

static uint32_t
mask_of(int prefix)
{
	return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

int
store_dhcp_cidr_parse(const char *s, uint32_t *network, int *prefix, struct dt_errbuf *e)
{
	char buf[32], *slash, *end;
	long p;
	int rc;

	if (strlen(s) >= sizeof buf || !(slash = strchr(s, '/')))
		return dt_errf(e, DT_EINVAL, "subnet: '%s' is not ADDRESS/PREFIX", s);
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if ((rc = store_dhcp_ip_parse("subnet", buf, network, e)) != DT_OK)
		return rc;
	p = strtol(slash + 1, &end, 10);
	if (*end || end == slash + 1 || p < 8 || p > 30)
		return dt_errf(e, DT_EINVAL, "subnet: prefix of '%s' must be 8..30", s);
	if (*network & ~mask_of((int)p))
		return dt_errf(e, DT_EINVAL, "subnet: '%s' has host bits set", s);
	*prefix = (int)p;
	return DT_OK;
}

static int
in_net(uint32_t ip, uint32_t net, int prefix)
{
	return (ip & mask_of(prefix)) == net;
}

static int
validate(const struct store_dhcp_subnet *sn, struct dt_errbuf *e)
{
	uint32_t bcast = sn->network | ~mask_of(sn->prefix);
	int rc;

	if (sn->prefix < 8 || sn->prefix > 30 || (sn->network & ~mask_of(sn->prefix)))
		return dt_errf(e, DT_EINVAL, "subnet: not a network address with prefix 8..30");
	if (sn->pool_first > sn->pool_last)
		return dt_errf(e, DT_EINVAL, "pool: first address after the last");
	if (!in_net(sn->pool_first, sn->network, sn->prefix) ||
	    !in_net(sn->pool_last, sn->network, sn->prefix))
		return dt_errf(e, DT_EINVAL, "pool: not inside the subnet");
	if (sn->pool_first == sn->network || sn->pool_last == bcast)
		return dt_errf(e, DT_EINVAL,
			       "pool: includes the network or broadcast address of the subnet");
	if (sn->router && (!in_net(sn->router, sn->network, sn->prefix) ||
			   sn->router == sn->network || sn->router == bcast))
		return dt_errf(e, DT_EINVAL, "router: not a host address of the subnet");
	if (sn->router && sn->router >= sn->pool_first && sn->router <= sn->pool_last)
		return dt_errf(e, DT_EINVAL, "router: inside the pool");
	if (sn->lease_time < 60 || sn->lease_time > 31536000)
		return dt_errf(e, DT_EINVAL, "lease-time: must be 60..31536000 seconds");
	if (sn->vlan < 0 || sn->vlan > 4094)
		return dt_errf(e, DT_EINVAL, "vlan: must be 0..4094");
	if ((rc = check_text("domain", sn->domain, 127, " ,;", e)) != DT_OK)
		return rc;
	/* Option 66 is one server: a host name or dotted quad, RFC 2132 §9.4. */
	if (sn->option66[0] && (rc = check_token("option66", sn->option66, 127, ".-_", e)) != DT_OK)
		return rc;
	return DT_OK;
}

static int
overlap(struct store *st, const struct store_dhcp_subnet *sn, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st, "SELECT network, prefix FROM dhcp_subnet", e);
	int rc;

	if (!s)
		return DT_EDB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		uint32_t net = (uint32_t)sqlite3_column_int64(s, 0);
		int prefix = sqlite3_column_int(s, 1);
		int shorter = prefix < sn->prefix ? prefix : sn->prefix;
		char a[16];

		if ((net & mask_of(shorter)) != (sn->network & mask_of(shorter)))
			continue;
		sqlite3_reset(s);
		if (net == sn->network && prefix == sn->prefix)
			return dt_errf(e, DT_EEXIST, "subnet: %s/%d exists already",
				       store_dhcp_ip_text(net, a), prefix);
		return dt_errf(e, DT_ECONFLICT, "subnet: overlaps %s/%d",
			       store_dhcp_ip_text(net, a), prefix);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? DT_OK : db_fail(st, e, "dhcp_subnet");
}

int
store_dhcp_subnet_add(struct store *st, const struct store_dhcp_subnet *sn, struct dt_errbuf *e)
{
	char dns[160], ntp[160], tftp[160], key[24], a[16];
	sqlite3_stmt *s;
	int rc;

	if ((rc = validate(sn, e)) != DT_OK)
		return rc;
	if ((rc = tx_begin(st, e)) != DT_OK)
		return rc;
	if ((rc = overlap(st, sn, e)) != DT_OK)
		return tx_end(st, rc, e);
	s = stmt_get(
	    st,
	    "INSERT INTO dhcp_subnet (network, prefix, pool_first, pool_last, router, dns, "
	    "ntp, tftp, domain, option66, lease_time, vlan, known_only, tftp_cisco_only) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	    e);
	if (!s)
		return tx_end(st, DT_EDB, e);
	sqlite3_bind_int64(s, 1, sn->network);
	sqlite3_bind_int(s, 2, sn->prefix);
	sqlite3_bind_int64(s, 3, sn->pool_first);
	sqlite3_bind_int64(s, 4, sn->pool_last);
	sqlite3_bind_int64(s, 5, sn->router);
	bind_text(s, 6, store_dhcp_ips_text(sn->dns, sn->n_dns, dns, sizeof dns));
	bind_text(s, 7, store_dhcp_ips_text(sn->ntp, sn->n_ntp, ntp, sizeof ntp));
	bind_text(s, 8, store_dhcp_ips_text(sn->tftp, sn->n_tftp, tftp, sizeof tftp));
	bind_text(s, 9, sn->domain);
	bind_text(s, 10, sn->option66);
	sqlite3_bind_int64(s, 11, sn->lease_time);
	sqlite3_bind_int(s, 12, sn->vlan);
	sqlite3_bind_int(s, 13, sn->known_only ? 1 : 0);
	sqlite3_bind_int(s, 14, sn->tftp_cisco_only ? 1 : 0);
	rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : db_fail(st, e, "dhcp_subnet");
	sqlite3_reset(s);
	snprintf(key, sizeof key, "%s/%d", store_dhcp_ip_text(sn->network, a), sn->prefix);
	if (rc == DT_OK)
		rc = change_log(st, "dhcp", key, e);
	return tx_end(st, rc, e);
}

int
store_dhcp_subnet_delete(struct store *st, uint32_t network, int prefix, struct dt_errbuf *e)
{
	char key[24], a[16];
	sqlite3_stmt *s;
	int rc;

	snprintf(key, sizeof key, "%s/%d", store_dhcp_ip_text(network, a), prefix);
	if ((rc = tx_begin(st, e)) != DT_OK)
		return rc;
	s = stmt_get(st, "DELETE FROM dhcp_subnet WHERE network = ? AND prefix = ?", e);
	if (!s)
		return tx_end(st, DT_EDB, e);
	sqlite3_bind_int64(s, 1, network);
	sqlite3_bind_int(s, 2, prefix);
	rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : db_fail(st, e, "dhcp_subnet");
	sqlite3_reset(s);
	if (rc == DT_OK && sqlite3_changes(store_sqlite(st)) == 0)
		rc = dt_errf(e, DT_ENOENT, "subnet: %s does not exist", key);
	if (rc == DT_OK) {
		s = stmt_get(st, "DELETE FROM dhcp_lease WHERE ip BETWEEN ? AND ?", e);
		if (!s)
			return tx_end(st, DT_EDB, e);
		sqlite3_bind_int64(s, 1, network);
		sqlite3_bind_int64(s, 2, network | ~mask_of(prefix));
		rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : db_fail(st, e, "dhcp_lease");
		sqlite3_reset(s);
	}
	if (rc == DT_OK)
		rc = change_log(st, "dhcp", key, e);
	return tx_end(st, rc, e);
}

/* Stored lists were written by store_dhcp_ips_text from validated addresses. */
static void
col_ips(sqlite3_stmt *s, int i, uint32_t *ips, int *n)
{
	char buf[256];
	struct dt_errbuf e;

	col_text(s, i, buf, sizeof buf);
	if (!buf[0] || store_dhcp_ips_parse("db", buf, ips, n, &e) != DT_OK)
		*n = 0;
}

int
store_dhcp_subnet_foreach(struct store *st,
			  int (*fn)(const struct store_dhcp_subnet *sn, void *arg), void *arg,
			  struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_fresh(
	    st,
	    "SELECT id, network, prefix, pool_first, pool_last, router, dns, ntp, tftp, domain, "
	    "option66, lease_time, vlan, known_only, tftp_cisco_only FROM dhcp_subnet "
	    "ORDER BY network",
	    e);
	struct store_dhcp_subnet sn;
	int rc, stop = 0;

	if (!s)
		return DT_EDB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&sn, 0, sizeof sn);
		sn.id = sqlite3_column_int64(s, 0);
		sn.network = (uint32_t)sqlite3_column_int64(s, 1);
		sn.prefix = sqlite3_column_int(s, 2);
		sn.pool_first = (uint32_t)sqlite3_column_int64(s, 3);
		sn.pool_last = (uint32_t)sqlite3_column_int64(s, 4);
		sn.router = (uint32_t)sqlite3_column_int64(s, 5);
		col_ips(s, 6, sn.dns, &sn.n_dns);
		col_ips(s, 7, sn.ntp, &sn.n_ntp);
		col_ips(s, 8, sn.tftp, &sn.n_tftp);
		col_text(s, 9, sn.domain, sizeof sn.domain);
		col_text(s, 10, sn.option66, sizeof sn.option66);
		sn.lease_time = (uint32_t)sqlite3_column_int64(s, 11);
		sn.vlan = sqlite3_column_int(s, 12);
		sn.known_only = sqlite3_column_int(s, 13);
		sn.tftp_cisco_only = sqlite3_column_int(s, 14);
		if ((stop = fn(&sn, arg)) != 0)
			break;
	}
	sqlite3_finalize(s);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(st, e, "dhcp_subnet");
	return stop;
}

static int
mac_parse(const char *hex, uint8_t mac[6])
{
	unsigned v[6];

	memset(mac, 0, 6);
	if (strlen(hex) != 12 ||
	    sscanf(hex, "%2x%2x%2x%2x%2x%2x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

int
store_dhcp_lease_foreach(struct store *st, int (*fn)(const struct store_dhcp_lease *l, void *arg),
			 void *arg, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_fresh(
	    st, "SELECT ip, mac, state, expires, hostname FROM dhcp_lease ORDER BY ip", e);
	struct store_dhcp_lease l;
	char mac[16];
	int rc, stop = 0;

	if (!s)
		return DT_EDB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&l, 0, sizeof l);
		l.ip = (uint32_t)sqlite3_column_int64(s, 0);
		col_text(s, 1, mac, sizeof mac);
		mac_parse(mac, l.mac);
		l.state = sqlite3_column_int(s, 2);
		l.expires = sqlite3_column_int64(s, 3);
		col_text(s, 4, l.hostname, sizeof l.hostname);
		if ((stop = fn(&l, arg)) != 0)
			break;
	}
	sqlite3_finalize(s);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(st, e, "dhcp_lease");
	return stop;
}

/* ---- the lease writer ---- */

struct store_dhcp_writer {
	sqlite3 *db;
	sqlite3_stmt *put, *del;
	int in_tx;
};

static int
wfail(struct store_dhcp_writer *w, struct dt_errbuf *e, const char *what)
{
	return dt_errf(e, DT_EDB, "database: %s: %s", what, sqlite3_errmsg(w->db));
}

int
store_dhcp_writer_open(struct store *st, struct store_dhcp_writer **out, struct dt_errbuf *e)
{
	const char *path = sqlite3_db_filename(store_sqlite(st), "main");
	struct store_dhcp_writer *w;

	*out = NULL;
	if (!path || !*path)
		return dt_errf(e, DT_EDB, "database: the store has no file for the lease writer");
	w = dt_calloc(DT_MEM_STORE, 1, sizeof *w);
	if (!w)
		return dt_errf(e, DT_ENOMEM, "database: out of memory");
	if (sqlite3_open_v2(path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		int rc = wfail(w, e, "open for leases");
		store_dhcp_writer_close(w);
		return rc;
	}
	sqlite3_busy_timeout(w->db, 2000);
	if (sqlite3_exec(w->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		w->db,
		"INSERT OR REPLACE INTO dhcp_lease (ip, mac, state, expires, hostname) "
		"VALUES (?,?,?,?,?)",
		-1, &w->put, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(w->db, "DELETE FROM dhcp_lease WHERE ip = ?", -1, &w->del, NULL) !=
		SQLITE_OK) {
		int rc = wfail(w, e, "prepare lease statements");
		store_dhcp_writer_close(w);
		return rc;
	}
	*out = w;
	return DT_OK;
}

void
store_dhcp_writer_close(struct store_dhcp_writer *w)
{
	if (!w)
		return;
	if (w->in_tx)
		sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(w->put);
	sqlite3_finalize(w->del);
	sqlite3_close(w->db);
	dt_free(DT_MEM_STORE, w);
}

int
store_dhcp_writer_begin(struct store_dhcp_writer *w, struct dt_errbuf *e)
{
	if (w->in_tx)
		return DT_OK;
	if (sqlite3_exec(w->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return wfail(w, e, "begin lease batch");
	w->in_tx = 1;
	return DT_OK;
}

int
store_dhcp_writer_commit(struct store_dhcp_writer *w, struct dt_errbuf *e)
{
	if (!w->in_tx)
		return DT_OK;
	if (sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int rc = wfail(w, e, "commit lease batch");
		sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
		w->in_tx = 0;
		return rc;
	}
	w->in_tx = 0;
	return DT_OK;
}

void
store_dhcp_writer_rollback(struct store_dhcp_writer *w)
{
	if (!w->in_tx)
		return;
	sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
	w->in_tx = 0;
}

int
store_dhcp_lease_put(struct store_dhcp_writer *w, const struct store_dhcp_lease *l,
		     struct dt_errbuf *e)
{
	char mac[13] = "";
	int rc;

	if (l->state != STORE_DHCP_DECLINED)
		snprintf(mac, sizeof mac, "%02X%02X%02X%02X%02X%02X", l->mac[0], l->mac[1],
			 l->mac[2], l->mac[3], l->mac[4], l->mac[5]);
	sqlite3_bind_int64(w->put, 1, l->ip);
	sqlite3_bind_text(w->put, 2, mac, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(w->put, 3, l->state);
	sqlite3_bind_int64(w->put, 4, l->expires);
	sqlite3_bind_text(w->put, 5, l->hostname, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(w->put);
	sqlite3_reset(w->put);
	return rc == SQLITE_DONE ? DT_OK : wfail(w, e, "write lease");
}

int
store_dhcp_lease_remove(struct store_dhcp_writer *w, uint32_t ip, struct dt_errbuf *e)
{
	int rc;

	sqlite3_bind_int64(w->del, 1, ip);
	rc = sqlite3_step(w->del);
	sqlite3_reset(w->del);
	return rc == SQLITE_DONE ? DT_OK : wfail(w, e, "delete lease");
}
