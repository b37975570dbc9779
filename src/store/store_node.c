/* summary: cluster nodes and CallManager groups (ordered members with SIP ports): add, delete,
 * ensure (serve's own node), get and walk.
 *
 * A change here changes the configuration of every phone whose device pool uses the group, so each
 * write logs ("pool", name) for those pools as well as ("node", name): the generator rebuilds
 * exactly those files, and XMLDefault when the "Default" pool is among them.
 */
#include "store/store_priv.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_SERVICES "tftp,http,dhcp,sip"

/* Log every pool whose CM group is gid (or has node nid as a member when gid is 0). */
static int
log_pools(struct store *st, int64_t gid, int64_t nid, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_fresh(st,
				     "SELECT name FROM device_pool WHERE cm_group_id = ?1 OR "
				     "cm_group_id IN (SELECT group_id FROM cm_group_member WHERE "
				     "node_id = ?2) ORDER BY name",
				     e);
	int rc;
	if (!s)
		return DT_EDB;
	sqlite3_bind_int64(s, 1, gid);
	sqlite3_bind_int64(s, 2, nid);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (change_log(st, "pool", (const char *)sqlite3_column_text(s, 0), e) != DT_OK) {
			sqlite3_finalize(s);
			return DT_EDB;
		}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? DT_OK : db_fail(st, e, "device_pool");
}

static int
check_services(const char *v, struct dt_errbuf *e)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s", v);
	if (strlen(v) >= sizeof buf)
		return dt_errf(e, DT_EINVAL, "services: too long");
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (strcmp(t, "tftp") && strcmp(t, "http") && strcmp(t, "dhcp") &&
		    strcmp(t, "sip") && strcmp(t, "admin"))
			return dt_errf(e, DT_EINVAL,
				       "services: unknown service '%s' (tftp,http,dhcp,sip,admin)",
				       t);
	return DT_OK;
}

static int
node_insert(struct store *st, const struct store_node *n, struct dt_errbuf *e)
{
	sqlite3_stmt *s;
	int64_t id;
	int rc;
	if ((rc = check_token("name", n->name, 63, "._-", e)) ||
	    (rc = check_token("address", n->address, 50, ".:-", e)) ||
	    (rc = check_services(n->services[0] ? n->services : DEFAULT_SERVICES, e)))
		return rc;
	if (ref_id(st, "node", "name", n->name, &id, NULL) == DT_OK)
		return dt_errf(e, DT_EEXIST, "name: node %s already exists", n->name);
	if (!(s = stmt_get(st, "INSERT INTO node (name, address, services) VALUES (?, ?, ?)", e)))
		return DT_EDB;
	bind_text(s, 1, n->name);
	bind_text(s, 2, n->address);
	bind_text(s, 3, n->services[0] ? n->services : DEFAULT_SERVICES);
	if ((rc = stmt_done(st, s, "node", e)) != DT_OK)
		return rc;
	return change_log(st, "node", n->name, e);
}

int
store_node_add(struct store *st, const struct store_node *n, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	return rc ? rc : tx_end(st, node_insert(st, n, e), e);
}

static int
node_delete(struct store *st, const char *name, struct dt_errbuf *e)
{
	sqlite3_stmt *s;
	int64_t id;
	int rc;
	if ((rc = ref_id(st, "node", "name", name, &id, e)) != DT_OK)
		return rc;
	if (!(s = stmt_get(st,
			   "SELECT g.name FROM cm_group_member m JOIN cm_group g ON g.id = "
			   "m.group_id WHERE m.node_id = ? ORDER BY g.name",
			   e)))
		return DT_EDB;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		char g[64];
		col_text(s, 0, g, sizeof g);
		sqlite3_reset(s);
		return dt_errf(e, DT_ECONFLICT,
			       "name: node %s is a member of CallManager group %s; remove it there "
			       "first",
			       name, g);
	}
	sqlite3_reset(s);
	if (!(s = stmt_get(st, "DELETE FROM node WHERE id = ?", e)))
		return DT_EDB;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = stmt_done(st, s, "node", e)) != DT_OK)
		return rc;
	return change_log(st, "node", name, e);
}

int
store_node_delete(struct store *st, const char *name, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	return rc ? rc : tx_end(st, node_delete(st, name, e), e);
}

static int
group_size(struct store *st, int64_t gid, int *n, int *next, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st,
				   "SELECT count(*), coalesce(max(priority) + 1, 0) FROM "
				   "cm_group_member WHERE group_id = ?",
				   e);
	if (!s)
		return DT_EDB;
	sqlite3_bind_int64(s, 1, gid);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*n = sqlite3_column_int(s, 0);
		*next = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? DT_OK : db_fail(st, e, "cm_group_member");
}

static int
add_member(struct store *st, const char *group, const char *node, int prio, int sip, int sips,
	   struct dt_errbuf *e)
{
	sqlite3_stmt *s;
	int64_t gid, nid;
	int rc, n = 0, next = 0;

	if ((rc = ref_id(st, "cm_group", "cm_group", group, &gid, e)) ||
	    (rc = ref_id(st, "node", "node", node, &nid, e)) ||
	    (rc = group_size(st, gid, &n, &next, e)))
		return rc;
	if (n >= STORE_MAX_CM_MEMBERS)
		return dt_errf(e, DT_ERANGE,
			       "node: CallManager group %s has %d members already "
			       "(phones take at most %d)",
			       group, n, STORE_MAX_CM_MEMBERS);
	if (prio < 0)
		prio = next;
	if (prio >= STORE_MAX_CM_MEMBERS)
		return dt_errf(e, DT_ERANGE, "priority: %d is not 0..%d", prio,
			       STORE_MAX_CM_MEMBERS - 1);
	sip = sip ? sip : 5060;
	sips = sips ? sips : 5061;
	if (sip < 1 || sip > 65535)
		return dt_errf(e, DT_ERANGE, "sip_port: %d is not a port number", sip);
	if (sips < 1 || sips > 65535)
		return dt_errf(e, DT_ERANGE, "sips_port: %d is not a port number", sips);
	if (!(s = stmt_get(st,
			   "SELECT node_id = ?3, priority FROM cm_group_member WHERE group_id = ?1 "
			   "AND (priority = ?2 OR node_id = ?3)",
			   e)))
		return DT_EDB;
	sqlite3_bind_int64(s, 1, gid);
	sqlite3_bind_int(s, 2, prio);
	sqlite3_bind_int64(s, 3, nid);
	if (sqlite3_step(s) == SQLITE_ROW) {
		int same = sqlite3_column_int(s, 0), p = sqlite3_column_int(s, 1);
		sqlite3_reset(s);
		if (same)
			return dt_errf(e, DT_ECONFLICT,
				       "node: %s is already member %d of CallManager group %s",
				       node, p, group);
		return dt_errf(e, DT_ECONFLICT, "priority: %d of CallManager group %s is taken",
			       prio, group);
	}
	sqlite3_reset(s);
	if (!(s = stmt_get(st,
			   "INSERT INTO cm_group_member (group_id, node_id, priority, sip_port, "
			   "sips_port) VALUES (?, ?, ?, ?, ?)",
			   e)))
		return DT_EDB;
	sqlite3_bind_int64(s, 1, gid);
	sqlite3_bind_int64(s, 2, nid);
	sqlite3_bind_int(s, 3, prio);
	sqlite3_bind_int(s, 4, sip);
	sqlite3_bind_int(s, 5, sips);
	if ((rc = stmt_done(st, s, "cm_group_member", e)) != DT_OK)
		return rc;
	return log_pools(st, gid, 0, e);
}

int
store_cmgroup_add_member(struct store *st, const char *group, const char *node, int priority,
			 int sip_port, int sips_port, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	return rc ? rc
		  : tx_end(st, add_member(st, group, node, priority, sip_port, sips_port, e), e);
}

static int
group_insert(struct store *st, const char *name, struct dt_errbuf *e)
{
	sqlite3_stmt *s;
	int64_t id;
	int rc;
	if ((rc = check_text("name", name, 63, NULL, e)))
		return rc;
	if (!*name)
		return dt_errf(e, DT_EINVAL, "name: empty");
	if (ref_id(st, "cm_group", "name", name, &id, NULL) == DT_OK)
		return dt_errf(e, DT_EEXIST, "name: CallManager group %s already exists", name);
	if (!(s = stmt_get(st, "INSERT INTO cm_group (name) VALUES (?)", e)))
		return DT_EDB;
	bind_text(s, 1, name);
	return stmt_done(st, s, "cm_group", e);
}

int
store_cmgroup_add(struct store *st, const char *name, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	return rc ? rc : tx_end(st, group_insert(st, name, e), e);
}

/* meta key marking a node `serve` created itself (its address follows the listen address). */
static void
auto_key(const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "node_auto:%s", name);
}

static int
meta_put(struct store *st, const char *key, struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    stmt_get(st, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", e);
	if (!s)
		return DT_EDB;
	bind_text(s, 1, key);
	return stmt_done(st, s, "meta", e);
}

/* Move an auto-created node to a new address (serve restarted with another --listen). */
static int
follow_address(struct store *st, int64_t id, const struct store_node *n, struct dt_errbuf *e)
{
	char key[96];
	sqlite3_stmt *s;
	int rc, is_auto;

	auto_key(n->name, key, sizeof key);
	if (!(s = stmt_get(st, "SELECT 1 FROM meta WHERE key = ?", e)))
		return DT_EDB;
	bind_text(s, 1, key);
	is_auto = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	if (!is_auto)
		return DT_OK;
	if ((rc = check_token("address", n->address, 50, ".:-", e)) != DT_OK)
		return rc;
	if (!(s = stmt_get(st, "UPDATE node SET address = ? WHERE id = ? AND address <> ?1", e)))
		return DT_EDB;
	bind_text(s, 1, n->address);
	sqlite3_bind_int64(s, 2, id);
	if ((rc = stmt_done(st, s, "node", e)) != DT_OK)
		return rc;
	if (sqlite3_changes(st->db) == 0)
		return DT_OK;
	if ((rc = change_log(st, "node", n->name, e)) != DT_OK)
		return rc;
	return log_pools(st, 0, id, e);
}

/* Why an auto node follows the listen address but an admin's does not: `serve --listen X` on a
 * fresh database must hand phones X (the demo and every test), while an address the admin set with
 * `dialtone node add` is a decision serve must not overwrite. */
static int
ensure(struct store *st, const char *name, const char *address, const char *services,
       struct dt_errbuf *e)
{
	struct store_node n;
	struct store_cm_group g;
	char key[96];
	int64_t id;
	int rc;

	memset(&n, 0, sizeof n);
	snprintf(n.name, sizeof n.name, "%s", name);
	/* A wildcard listen address is not something a phone can connect to. */
	if (!address || !*address || !strcmp(address, "0.0.0.0") || !strcmp(address, "::"))
		address = "127.0.0.1";
	snprintf(n.address, sizeof n.address, "%s", address);
	snprintf(n.services, sizeof n.services, "%s", services ? services : "");
	if (ref_id(st, "node", "name", name, &id, NULL) == DT_OK)
		rc = follow_address(st, id, &n, e);
	else if ((rc = node_insert(st, &n, e)) == DT_OK) {
		auto_key(name, key, sizeof key);
		rc = meta_put(st, key, e);
	}
	if (rc != DT_OK)
		return rc;
	if ((rc = store_cmgroup_get(st, "Default", &g, e)) != DT_OK)
		return rc == DT_ENOENT ? DT_OK : rc;
	return g.n_members ? DT_OK : add_member(st, "Default", name, 0, 0, 0, e);
}

int
store_node_ensure(struct store *st, const char *name, const char *address, const char *services,
		  struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	return rc ? rc : tx_end(st, ensure(st, name, address, services, e), e);
}

/* Members of group gid in priority order into g. */
static int
members(struct store *st, int64_t gid, struct store_cm_member *m, int *n, struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    stmt_fresh(st,
		       "SELECT m.priority, n.name, n.address, m.sip_port, m.sips_port "
		       "FROM cm_group_member m JOIN node n ON n.id = m.node_id "
		       "WHERE m.group_id = ? ORDER BY m.priority",
		       e);
	int rc;
	*n = 0;
	if (!s)
		return DT_EDB;
	sqlite3_bind_int64(s, 1, gid);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < STORE_MAX_CM_MEMBERS) {
		struct store_cm_member *x = &m[(*n)++];
		memset(x, 0, sizeof *x);
		x->priority = sqlite3_column_int(s, 0);
		col_text(s, 1, x->node, sizeof x->node);
		col_text(s, 2, x->address, sizeof x->address);
		x->sip_port = sqlite3_column_int(s, 3);
		x->sips_port = sqlite3_column_int(s, 4);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DT_OK : db_fail(st, e, "cm_group_member");
}

int
store_cmgroup_get(struct store *st, const char *name, struct store_cm_group *g, struct dt_errbuf *e)
{
	int64_t gid;
	int rc = ref_id(st, "cm_group", "cm_group", name, &gid, e);
	if (rc != DT_OK)
		return rc;
	memset(g, 0, sizeof *g);
	snprintf(g->name, sizeof g->name, "%s", name);
	return members(st, gid, g->members, &g->n_members, e);
}

int
store_cmgroup_foreach(struct store *st, int (*fn)(const struct store_cm_group *g, void *arg),
		      void *arg, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_fresh(st, "SELECT id, name FROM cm_group ORDER BY name", e);
	struct store_cm_group g;
	int rc, stop = 0;
	if (!s)
		return DT_EDB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&g, 0, sizeof g);
		col_text(s, 1, g.name, sizeof g.name);
		if (members(st, sqlite3_column_int64(s, 0), g.members, &g.n_members, e) != DT_OK) {
			sqlite3_finalize(s);
			return DT_EDB;
		}
		if ((stop = fn(&g, arg)) != 0)
			break;
	}
	return stmt_walk_end(st, s, rc, stop, "cm_group", e);
}

int
store_node_foreach(struct store *st, int (*fn)(const struct store_node *n, void *arg), void *arg,
		   struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    stmt_fresh(st, "SELECT name, address, services FROM node ORDER BY name", e);
	struct store_node n;
	int rc, stop = 0;
	if (!s)
		return DT_EDB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&n, 0, sizeof n);
		col_text(s, 0, n.name, sizeof n.name);
		col_text(s, 1, n.address, sizeof n.address);
		col_text(s, 2, n.services, sizeof n.services);
		if ((stop = fn(&n, arg)) != 0)
			break;
	}
	return stmt_walk_end(st, s, rc, stop, "node", e);
}
