/* summary: devices (phones): validation of every field with an error naming it, add, update, get,
 * delete and walk, each write one transaction with its change-log row.
 *
 * A device is keyed by its MAC; its name is always "SEP" + MAC because that is the file name the
 * phone asks for (SEP<MAC>.cnf.xml) and the name it registers with — a name that differed would
 * provision nothing. Empty reference fields mean the seeded defaults (pool "Default", "Standard SIP
 * Profile", …), resolved to ids here so a missing reference fails before anything is written.
 */
#include "store/store_priv.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Ids a validated device points to. */
struct refs {
	int64_t pool, sip, common, softkey, dial; /* dial 0 = none */
	int buttons;				  /* of its model */
};

#define DEVICE_COLS                                                                                \
	"SELECT d.id, d.mac, d.name, d.model, d.protocol, d.description, p.name, d.security, "     \
	"d.digest_user, d.load, d.user_locale, d.network_locale, d.ip, sp.name, cp.name, "         \
	"sk.name, coalesce(dr.name, '') "
#define DEVICE_FROM                                                                                \
	"FROM device d JOIN device_pool p ON p.id = d.pool_id "                                    \
	"JOIN sip_profile sp ON sp.id = d.sip_profile_id "                                         \
	"JOIN common_profile cp ON cp.id = d.common_profile_id "                                   \
	"JOIN softkey_template sk ON sk.id = d.softkey_id "                                        \
	"LEFT JOIN dial_rules dr ON dr.id = d.dial_rules_id "
#define DEVICE_SELECT DEVICE_COLS DEVICE_FROM

static void
row_device(sqlite3_stmt *s, struct store_device *d)
{
	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(s, 0);
	col_text(s, 1, d->mac, sizeof d->mac);
	col_text(s, 2, d->name, sizeof d->name);
	col_text(s, 3, d->model, sizeof d->model);
	col_text(s, 4, d->protocol, sizeof d->protocol);
	col_text(s, 5, d->description, sizeof d->description);
	col_text(s, 6, d->pool, sizeof d->pool);
	d->security = sqlite3_column_int(s, 7);
	col_text(s, 8, d->digest_user, sizeof d->digest_user);
	col_text(s, 9, d->load, sizeof d->load);
	col_text(s, 10, d->user_locale, sizeof d->user_locale);
	col_text(s, 11, d->network_locale, sizeof d->network_locale);
	col_text(s, 12, d->ip, sizeof d->ip);
	col_text(s, 13, d->sip_profile, sizeof d->sip_profile);
	col_text(s, 14, d->common_profile, sizeof d->common_profile);
	col_text(s, 15, d->softkey_template, sizeof d->softkey_template);
	col_text(s, 16, d->dial_rules, sizeof d->dial_rules);
}

int
device_key_mac(const char *key, char mac[13], struct dt_errbuf *e)
{
	if (strlen(key) == 15 && strncasecmp(key, "SEP", 3) == 0)
		key += 3;
	if (store_mac_normalize(key, mac, NULL) != DT_OK)
		return dt_errf(
		    e, DT_EINVAL,
		    "device: '%.40s' is neither a device name (SEP + 12 hex digits) nor a "
		    "MAC address",
		    key);
	return DT_OK;
}

static int
get_by_mac(struct store *st, const char *mac, struct store_device *d, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st, DEVICE_SELECT "WHERE d.mac = ?", e);
	int rc;
	if (!s)
		return DT_EDB;
	bind_text(s, 1, mac);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && d)
		row_device(s, d);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return DT_OK;
	if (rc != SQLITE_DONE)
		return db_fail(st, e, "device");
	return dt_errf(e, DT_ENOENT, "device: no device SEP%s", mac);
}

int
store_device_get(struct store *st, const char *key, struct store_device *d, struct dt_errbuf *e)
{
	char mac[13];
	int rc = device_key_mac(key, mac, e);
	return rc ? rc : get_by_mac(st, mac, d, e);
}

/* Validate and rewrite ip in its canonical text form ("0::1" → "::1"), so the uniqueness of a
 * reservation does not depend on how the admin spelled it. */
static int
check_ip(char *ip, size_t n, struct dt_errbuf *e)
{
	unsigned char buf[16];
	char canon[46];
	int af = AF_INET;
	if (!*ip)
		return DT_OK;
	if (inet_pton(AF_INET, ip, buf) != 1) {
		af = AF_INET6;
		if (inet_pton(AF_INET6, ip, buf) != 1)
			return dt_errf(e, DT_EINVAL, "ip: '%.46s' is not an IPv4 or IPv6 address",
				       ip);
	}
	if (!inet_ntop(af, buf, canon, sizeof canon) || strlen(canon) >= n)
		return dt_errf(e, DT_EINVAL, "ip: '%.46s' cannot be stored", ip);
	memcpy(ip, canon, strlen(canon) + 1);
	return DT_OK;
}

/* Optional token: "" allowed. */
static int
opt_token(const char *field, const char *v, size_t max, const char *extra, struct dt_errbuf *e)
{
	return *v ? check_token(field, v, max, extra, e) : DT_OK;
}

/* Normalise d in place (MAC, name, model, defaults) and resolve its references. */
static int
validate(struct store *st, struct store_device *d, struct refs *r, struct dt_errbuf *e)
{
	struct store_model m;
	char want[16];
	int rc;

	if ((rc = store_mac_normalize(d->mac, d->mac, e)) != DT_OK)
		return rc;
	snprintf(want, sizeof want, "SEP%s", d->mac);
	for (char *p = d->name; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (!d->name[0])
		memcpy(d->name, want, sizeof want);
	else if (strcmp(d->name, want) != 0)
		return dt_errf(
		    e, DT_EINVAL,
		    "name: '%s' must be SEP followed by the device's MAC (%s): the phone "
		    "asks for %s.cnf.xml",
		    d->name, want, want);
	if (!d->protocol[0])
		snprintf(d->protocol, sizeof d->protocol, "SIP");
	else if (strcasecmp(d->protocol, "SIP") != 0)
		return dt_errf(e, DT_EINVAL, "protocol: '%s' is not supported (SIP only)",
			       d->protocol);
	else
		snprintf(d->protocol, sizeof d->protocol, "SIP");
	if (!d->model[0])
		return dt_errf(e, DT_EINVAL, "model: missing");
	if ((rc = store_model_get(st, d->model, &m, e)) != DT_OK)
		return rc;
	snprintf(d->model, sizeof d->model, "%s", m.name);
	r->buttons = m.buttons;
	if (d->security == 0)
		d->security = STORE_SEC_NON_SECURE;
	if (d->security < STORE_SEC_NON_SECURE || d->security > STORE_SEC_ENCRYPTED)
		return dt_errf(e, DT_ERANGE,
			       "security: %d is not 1 (non-secure), 2 (authenticated) or "
			       "3 (encrypted)",
			       d->security);
	if ((rc = check_text("description", d->description, 128, NULL, e)) ||
	    (rc = opt_token("digest_user", d->digest_user, 63, "._-+", e)) ||
	    (rc = opt_token("load", d->load, 63, "._-", e)) ||
	    (rc = opt_token("user_locale", d->user_locale, 63, "_-", e)) ||
	    (rc = opt_token("network_locale", d->network_locale, 63, "_-", e)) ||
	    (rc = check_ip(d->ip, sizeof d->ip, e)))
		return rc;
	if (!d->pool[0])
		snprintf(d->pool, sizeof d->pool, "Default");
	if (!d->sip_profile[0])
		snprintf(d->sip_profile, sizeof d->sip_profile, "Standard SIP Profile");
	if (!d->common_profile[0])
		snprintf(d->common_profile, sizeof d->common_profile,
			 "Standard Common Phone Profile");
	if (!d->softkey_template[0])
		snprintf(d->softkey_template, sizeof d->softkey_template, "Standard User");
	r->dial = 0;
	if ((rc = ref_id(st, "device_pool", "pool", d->pool, &r->pool, e)) ||
	    (rc = ref_id(st, "sip_profile", "sip_profile", d->sip_profile, &r->sip, e)) ||
	    (rc = ref_id(st, "common_profile", "common_profile", d->common_profile, &r->common,
			 e)) ||
	    (rc = ref_id(st, "softkey_template", "softkey_template", d->softkey_template,
			 &r->softkey, e)) ||
	    (d->dial_rules[0] &&
	     (rc = ref_id(st, "dial_rules", "dial_rules", d->dial_rules, &r->dial, e))))
		return rc;
	return DT_OK;
}

/* The id and name of the device matching one unique key (sql with one parameter), 0 if none. */
static int
holder(struct store *st, const char *sql, const char *v, int64_t *id, char name[16],
       struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st, sql, e);
	int rc;
	*id = 0;
	if (!s)
		return DT_EDB;
	bind_text(s, 1, v);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		col_text(s, 1, name, 16);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DT_OK : db_fail(st, e, "device");
}

/* Uniqueness of MAC and reserved IP against every other device (self = id, 0 for a new one).
 * Two lookups, not one query with OR: an OR across two indexes made SQLite scan the table, which
 * turned a 100,000-row import quadratic. */
static int
check_unique(struct store *st, const struct store_device *d, int64_t self, struct dt_errbuf *e)
{
	char other[16];
	int64_t id;
	int rc;
	if ((rc = holder(st, "SELECT id, name FROM device WHERE mac = ?", d->mac, &id, other, e)))
		return rc;
	if (id && id != self)
		return dt_errf(e, DT_EEXIST, "mac: %s already exists (%s)", d->mac, other);
	if (!d->ip[0])
		return DT_OK;
	/* "ip <> ''" lets SQLite use the partial index device_ip. */
	if ((rc = holder(st, "SELECT id, name FROM device WHERE ip = ? AND ip <> ''", d->ip, &id,
			 other, e)))
		return rc;
	if (id && id != self)
		return dt_errf(e, DT_ECONFLICT, "ip: %s is already reserved for %s", d->ip, other);
	return DT_OK;
}

static void
bind_device(sqlite3_stmt *s, const struct store_device *d, const struct refs *r)
{
	bind_text(s, 1, d->mac);
	bind_text(s, 2, d->name);
	bind_text(s, 3, d->model);
	bind_text(s, 4, d->protocol);
	bind_text(s, 5, d->description);
	sqlite3_bind_int64(s, 6, r->pool);
	sqlite3_bind_int(s, 7, d->security);
	bind_text(s, 8, d->digest_user);
	bind_text(s, 9, d->load);
	bind_text(s, 10, d->user_locale);
	bind_text(s, 11, d->network_locale);
	bind_text(s, 12, d->ip);
	sqlite3_bind_int64(s, 13, r->sip);
	sqlite3_bind_int64(s, 14, r->common);
	sqlite3_bind_int64(s, 15, r->softkey);
	if (r->dial)
		sqlite3_bind_int64(s, 16, r->dial);
	else
		sqlite3_bind_null(s, 16);
}

static int
insert(struct store *st, struct store_device *d, const struct refs *r, struct dt_errbuf *e)
{
	static const char sql[] =
	    "INSERT INTO device (mac, name, model, protocol, description, pool_id, security, "
	    "digest_user, load, user_locale, network_locale, ip, sip_profile_id, "
	    "common_profile_id, softkey_id, dial_rules_id) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *s = stmt_get(st, sql, e);
	int rc;
	if (!s)
		return DT_EDB;
	bind_device(s, d, r);
	if ((rc = stmt_done(st, s, "device", e)) != DT_OK)
		return rc;
	d->id = sqlite3_last_insert_rowid(st->db);
	return change_log(st, "device", d->name, e);
}

int
store_device_add(struct store *st, struct store_device *d, struct dt_errbuf *e)
{
	struct refs r;
	int rc;
	if ((rc = tx_begin(st, e)) != DT_OK)
		return rc;
	if ((rc = validate(st, d, &r, e)) == DT_OK && (rc = check_unique(st, d, 0, e)) == DT_OK)
		rc = insert(st, d, &r, e);
	return tx_end(st, rc, e);
}

/* The highest button holding a line on device id (0 when none). */
static int
top_button(struct store *st, int64_t id, int *top, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(
	    st, "SELECT coalesce(max(button), 0) FROM line_appearance WHERE device_id = ?", e);
	if (!s)
		return DT_EDB;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	*top = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? DT_OK : db_fail(st, e, "line_appearance");
}

static int
update(struct store *st, struct store_device *d, const struct store_device *old,
       const struct refs *r, struct dt_errbuf *e)
{
	static const char sql[] =
	    "UPDATE device SET mac = ?1, name = ?2, model = ?3, protocol = ?4, description = ?5, "
	    "pool_id = ?6, security = ?7, digest_user = ?8, load = ?9, user_locale = ?10, "
	    "network_locale = ?11, ip = ?12, sip_profile_id = ?13, common_profile_id = ?14, "
	    "softkey_id = ?15, dial_rules_id = ?16 WHERE id = ?17";
	sqlite3_stmt *s;
	int rc, top;

	if ((rc = top_button(st, d->id, &top, e)) != DT_OK)
		return rc;
	if (top > r->buttons)
		return dt_errf(e, DT_ERANGE,
			       "model: %s has a line on button %d but a %s has %d buttons",
			       old->name, top, d->model, r->buttons);
	if (!(s = stmt_get(st, sql, e)))
		return DT_EDB;
	bind_device(s, d, r);
	sqlite3_bind_int64(s, 17, d->id);
	if ((rc = stmt_done(st, s, "device", e)) != DT_OK)
		return rc;
	/* A new MAC is a new file name: the old one must go, the new one be built. */
	if (strcmp(old->name, d->name) != 0 && (rc = change_log(st, "device", old->name, e)))
		return rc;
	return change_log(st, "device", d->name, e);
}

int
store_device_update(struct store *st, const struct store_device *in, struct dt_errbuf *e)
{
	struct store_device d = *in, old;
	struct refs r;
	sqlite3_stmt *s;
	int rc, found;

	if ((rc = tx_begin(st, e)) != DT_OK)
		return rc;
	if (!(s = stmt_get(st, DEVICE_SELECT "WHERE d.id = ?", e))) {
		rc = DT_EDB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, in->id);
	found = sqlite3_step(s) == SQLITE_ROW;
	if (found)
		row_device(s, &old);
	sqlite3_reset(s);
	if (!found) {
		rc = dt_errf(e, DT_ENOENT, "device: no device with id %lld", (long long)in->id);
		goto out;
	}
	/* A changed MAC renames the device unless the caller set a name explicitly. */
	if (strcmp(d.mac, old.mac) != 0 && strcmp(d.name, old.name) == 0)
		d.name[0] = 0;
	if ((rc = validate(st, &d, &r, e)) == DT_OK &&
	    (rc = check_unique(st, &d, d.id, e)) == DT_OK)
		rc = update(st, &d, &old, &r, e);
out:
	return tx_end(st, rc, e);
}

int
store_device_delete(struct store *st, const char *key, struct dt_errbuf *e)
{
	struct store_device d;
	sqlite3_stmt *s;
	int rc;

	if ((rc = tx_begin(st, e)) != DT_OK)
		return rc;
	if ((rc = store_device_get(st, key, &d, e)) != DT_OK)
		goto out;
	if (!(s = stmt_get(st, "DELETE FROM device WHERE id = ?", e))) {
		rc = DT_EDB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, d.id);
	rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : db_fail(st, e, "device");
	sqlite3_reset(s);
	if (rc == DT_OK)
		rc = change_log(st, "device", d.name, e);
out:
	return tx_end(st, rc, e);
}

int
store_device_foreach(struct store *st, int (*fn)(const struct store_device *d, void *arg),
		     void *arg, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_fresh(st, DEVICE_SELECT "ORDER BY d.name", e);
	struct store_device d;
	int rc, stop = 0;
	if (!s)
		return DT_EDB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_device(s, &d);
		if ((stop = fn(&d, arg)) != 0)
			break;
	}
	return stmt_walk_end(st, s, rc, stop, "device", e);
}

/* Columns 17.. of the device-with-lines walk: one appearance (NULLs when the device has none). */
static void
row_appearance(sqlite3_stmt *s, const char *device, struct store_line *l)
{
	memset(l, 0, sizeof *l);
	col_text(s, 17, l->dn, sizeof l->dn);
	col_text(s, 18, l->display, sizeof l->display);
	col_text(s, 19, l->auth_user, sizeof l->auth_user);
	col_text(s, 20, l->password, sizeof l->password);
	l->button = sqlite3_column_int(s, 21);
	col_text(s, 22, l->label, sizeof l->label);
	snprintf(l->device, sizeof l->device, "%s", device);
}

int
store_device_lines_foreach(struct store *st,
			   int (*fn)(const struct store_device *d, const struct store_line *lines,
				     int n, void *arg),
			   void *arg, struct dt_errbuf *e)
{
	/* One ordered join instead of a query per device: export of 100,000 phones went from a
	 * prepared statement per phone to one scan. */
	sqlite3_stmt *s =
	    stmt_fresh(st,
		       DEVICE_COLS ", l.dn, l.display, l.auth_user, l.password, "
				   "a.button, a.label " DEVICE_FROM
				   "LEFT JOIN line_appearance a ON a.device_id = d.id "
				   "LEFT JOIN line l ON l.id = a.line_id "
				   "ORDER BY d.name, a.button",
		       e);
	struct store_line *lines = NULL;
	struct store_device d;
	int rc, n = 0, stop = 0, have = 0;

	if (!s)
		return DT_EDB;
	lines = calloc(STORE_MAX_BUTTONS, sizeof *lines);
	if (!lines) {
		sqlite3_finalize(s);
		return dt_errf(e, DT_ENOMEM, "database: out of memory");
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		if (have && id != d.id) {
			if ((stop = fn(&d, lines, n, arg)) != 0)
				break;
			have = 0;
		}
		if (!have) {
			row_device(s, &d);
			n = 0;
			have = 1;
		}
		if (sqlite3_column_type(s, 17) != SQLITE_NULL && n < STORE_MAX_BUTTONS)
			row_appearance(s, d.name, &lines[n++]);
	}
	if (!stop && rc == SQLITE_DONE && have)
		stop = fn(&d, lines, n, arg);
	sqlite3_finalize(s);
	free(lines);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(st, e, "device");
	return stop;
}
