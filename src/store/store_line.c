/* summary: lines (directory numbers) and their appearances on device buttons: add (shared lines
 * included), unassign, delete, get and walk, each write one transaction with its change-log rows.
 *
 * A DN exists once in the cluster with its display name and digest credentials; an appearance puts
 * it on one button of one device. The same DN on several devices is a shared line (every phone
 * registers it and rings). A button holds one DN, and a DN sits on one device at most once.
 * Adding an appearance of an existing DN never changes the DN silently: a display or credential
 * that differs from the stored one is a conflict naming the field.
 */
#include "store/store_priv.h"

#include <stdio.h>
#include <string.h>

/* Why these characters: the DN is the user part of the phone's SIP AOR and a file-name-safe key;
 * CUCM allows digits, '*', '#', '+' and letters for SIP URIs. */
#define DN_EXTRA "*#+._-"
/* The display name goes into a quoted SIP display-name: a '"' or '\' would break From. */
#define DISPLAY_FORBID "\"\\"

static int
validate(const struct store_line *l, struct dt_errbuf *e)
{
	int rc;
	if ((rc = check_token("dn", l->dn, 32, DN_EXTRA, e)) ||
	    (rc = check_text("display", l->display, 64, DISPLAY_FORBID, e)) ||
	    (rc = check_text("label", l->label, 64, NULL, e)) ||
	    (rc = check_text("password", l->password, 64, NULL, e)))
		return rc;
	if (l->auth_user[0] && (rc = check_token("auth_user", l->auth_user, 64, "._-+", e)))
		return rc;
	if (l->button < 0 || l->button > 64)
		return dt_errf(e, DT_ERANGE, "button: %d is not 1..64", l->button);
	return DT_OK;
}

/* The stored DN (found = 0 when new). */
static int
find_dn(struct store *st, const char *dn, int64_t *id, struct store_line *cur, int *found,
	struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    stmt_get(st, "SELECT id, display, auth_user, password FROM line WHERE dn = ?", e);
	int rc;
	if (!s)
		return DT_EDB;
	bind_text(s, 1, dn);
	rc = sqlite3_step(s);
	*found = rc == SQLITE_ROW;
	if (*found) {
		memset(cur, 0, sizeof *cur);
		*id = sqlite3_column_int64(s, 0);
		snprintf(cur->dn, sizeof cur->dn, "%s", dn);
		col_text(s, 1, cur->display, sizeof cur->display);
		col_text(s, 2, cur->auth_user, sizeof cur->auth_user);
		col_text(s, 3, cur->password, sizeof cur->password);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DT_OK : db_fail(st, e, "line");
}

static int
same_or_unset(const char *field, const char *dn, const char *given, const char *have,
	      struct dt_errbuf *e)
{
	if (!given[0] || strcmp(given, have) == 0)
		return DT_OK;
	return dt_errf(
	    e, DT_ECONFLICT,
	    "%s: DN %s exists with a different %s (omit --%s to share the line as it is)", field,
	    dn, field, strcmp(field, "auth_user") ? field : "auth-user");
}

static int
insert_dn(struct store *st, const struct store_line *l, int64_t *id, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(
	    st, "INSERT INTO line (dn, display, auth_user, password) VALUES (?, ?, ?, ?)", e);
	int rc;
	if (!s)
		return DT_EDB;
	bind_text(s, 1, l->dn);
	bind_text(s, 2, l->display);
	bind_text(s, 3, l->auth_user);
	bind_text(s, 4, l->password);
	if ((rc = stmt_done(st, s, "line", e)) != DT_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(st->db);
	return change_log(st, "line", l->dn, e);
}

/* The lowest free button of device id within buttons, or 0 when all are taken. */
static int
free_button(struct store *st, int64_t id, int buttons, int *b, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(
	    st, "SELECT button FROM line_appearance WHERE device_id = ? ORDER BY button", e);
	int rc, want = 1;
	if (!s)
		return DT_EDB;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && sqlite3_column_int(s, 0) == want)
		want++;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, e, "line_appearance");
	*b = want <= buttons ? want : 0;
	return DT_OK;
}

/* Who holds button b of device id, or which button holds line_id there ("" / 0 when none). */
static int
occupant(struct store *st, int64_t dev, int b, int64_t line_id, char dn[33], int *on_button,
	 struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st,
				   "SELECT a.button, l.dn, a.line_id = ?3 FROM line_appearance a "
				   "JOIN line l ON l.id = a.line_id WHERE a.device_id = ?1 AND "
				   "(a.button = ?2 OR a.line_id = ?3) ORDER BY a.line_id = ?3 DESC",
				   e);
	int rc;
	dn[0] = 0;
	*on_button = 0;
	if (!s)
		return DT_EDB;
	sqlite3_bind_int64(s, 1, dev);
	sqlite3_bind_int(s, 2, b);
	sqlite3_bind_int64(s, 3, line_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_int(s, 2))
			*on_button = sqlite3_column_int(s, 0);
		else
			col_text(s, 1, dn, 33);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DT_OK : db_fail(st, e, "line_appearance");
}

/* The device a line goes on, with its model's button count (one query: this runs for every line
 * of an import). */
struct target {
	int64_t id;
	char name[16];
	char product[48];
	int buttons;
};

static int
find_target(struct store *st, const char *key, struct target *t, struct dt_errbuf *e)
{
	sqlite3_stmt *s;
	char mac[13];
	int rc;
	if ((rc = device_key_mac(key, mac, e)) != DT_OK)
		return rc;
	if (!(s = stmt_get(st,
			   "SELECT d.id, d.name, m.product, m.buttons FROM device d JOIN model m "
			   "ON m.name = d.model WHERE d.mac = ?",
			   e)))
		return DT_EDB;
	bind_text(s, 1, mac);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		t->id = sqlite3_column_int64(s, 0);
		col_text(s, 1, t->name, sizeof t->name);
		col_text(s, 2, t->product, sizeof t->product);
		t->buttons = sqlite3_column_int(s, 3);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return DT_OK;
	if (rc != SQLITE_DONE)
		return db_fail(st, e, "device");
	return dt_errf(e, DT_ENOENT, "device: no device SEP%s", mac);
}

static int
appear(struct store *st, const struct store_line *l, int64_t line_id, struct dt_errbuf *e)
{
	struct target d;
	char holder[33];
	int rc, b = l->button, on;
	sqlite3_stmt *s;

	if ((rc = find_target(st, l->device, &d, e)) != DT_OK)
		return rc;
	if (b == 0) {
		if ((rc = free_button(st, d.id, d.buttons, &b, e)) != DT_OK)
			return rc;
		if (b == 0)
			return dt_errf(e, DT_ERANGE, "button: all %d buttons of %s are taken",
				       d.buttons, d.name);
	}
	if (b > d.buttons)
		return dt_errf(e, DT_ERANGE, "button: %d is beyond the %d buttons of %s (%s)", b,
			       d.buttons, d.name, d.product);
	if ((rc = occupant(st, d.id, b, line_id, holder, &on, e)) != DT_OK)
		return rc;
	if (on)
		return dt_errf(e, DT_ECONFLICT, "dn: %s is already on button %d of %s", l->dn, on,
			       d.name);
	if (holder[0])
		return dt_errf(e, DT_ECONFLICT, "button: %d of %s already holds DN %s", b, d.name,
			       holder);
	if (!(s = stmt_get(st,
			   "INSERT INTO line_appearance (device_id, button, line_id, label) "
			   "VALUES (?, ?, ?, ?)",
			   e)))
		return DT_EDB;
	sqlite3_bind_int64(s, 1, d.id);
	sqlite3_bind_int(s, 2, b);
	sqlite3_bind_int64(s, 3, line_id);
	bind_text(s, 4, l->label);
	if ((rc = stmt_done(st, s, "line_appearance", e)) != DT_OK)
		return rc;
	/* Every device that shares the DN lists it as shared now: rebuild them all. */
	if ((rc = change_log(st, "line", l->dn, e)) != DT_OK)
		return rc;
	return change_log(st, "device", d.name, e);
}

static int
line_add(struct store *st, const struct store_line *l, struct dt_errbuf *e)
{
	struct store_line cur;
	int64_t id = 0;
	int found, rc;

	if ((rc = validate(l, e)) || (rc = find_dn(st, l->dn, &id, &cur, &found, e)))
		return rc;
	if (found) {
		if (!l->device[0])
			return dt_errf(e, DT_EEXIST, "dn: %s already exists", l->dn);
		if ((rc = same_or_unset("display", l->dn, l->display, cur.display, e)) ||
		    (rc = same_or_unset("auth_user", l->dn, l->auth_user, cur.auth_user, e)) ||
		    (rc = same_or_unset("password", l->dn, l->password, cur.password, e)))
			return rc;
	} else if ((rc = insert_dn(st, l, &id, e)) != DT_OK) {
		return rc;
	}
	return l->device[0] ? appear(st, l, id, e) : DT_OK;
}

int
store_line_add(struct store *st, const struct store_line *l, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	if (rc != DT_OK)
		return rc;
	return tx_end(st, line_add(st, l, e), e);
}

/* Log ("device", name) for every device dn appears on (before its appearances go). */
static int
log_devices_of(struct store *st, int64_t line_id, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_fresh(st,
				     "SELECT d.name FROM line_appearance a JOIN device d ON "
				     "d.id = a.device_id WHERE a.line_id = ? ORDER BY d.name",
				     e);
	int rc;
	if (!s)
		return DT_EDB;
	sqlite3_bind_int64(s, 1, line_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (change_log(st, "device", (const char *)sqlite3_column_text(s, 0), e) != DT_OK) {
			sqlite3_finalize(s);
			return DT_EDB;
		}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? DT_OK : db_fail(st, e, "line_appearance");
}

static int
line_delete(struct store *st, const char *dn, struct dt_errbuf *e)
{
	struct store_line cur;
	sqlite3_stmt *s;
	int64_t id;
	int found, rc;

	if ((rc = find_dn(st, dn, &id, &cur, &found, e)) != DT_OK)
		return rc;
	if (!found)
		return dt_errf(e, DT_ENOENT, "dn: no line %s", dn);
	if ((rc = log_devices_of(st, id, e)) != DT_OK)
		return rc;
	if (!(s = stmt_get(st, "DELETE FROM line WHERE id = ?", e)))
		return DT_EDB;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = stmt_done(st, s, "line", e)) != DT_OK)
		return rc;
	return change_log(st, "line", dn, e);
}

int
store_line_delete(struct store *st, const char *dn, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	if (rc != DT_OK)
		return rc;
	return tx_end(st, line_delete(st, dn, e), e);
}

static int
unassign(struct store *st, const char *dn, const char *device, struct dt_errbuf *e)
{
	struct store_device d;
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_device_get(st, device, &d, e)) != DT_OK)
		return rc;
	if (!(s = stmt_get(st,
			   "DELETE FROM line_appearance WHERE device_id = ? AND line_id = "
			   "(SELECT id FROM line WHERE dn = ?)",
			   e)))
		return DT_EDB;
	sqlite3_bind_int64(s, 1, d.id);
	bind_text(s, 2, dn);
	if ((rc = stmt_done(st, s, "line_appearance", e)) != DT_OK)
		return rc;
	if (sqlite3_changes(st->db) == 0)
		return dt_errf(e, DT_ENOENT, "dn: %s is not on %s", dn, d.name);
	if ((rc = change_log(st, "line", dn, e)) != DT_OK)
		return rc;
	return change_log(st, "device", d.name, e);
}

int
store_line_unassign(struct store *st, const char *dn, const char *device, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	if (rc != DT_OK)
		return rc;
	return tx_end(st, unassign(st, dn, device, e), e);
}

int
store_line_get(struct store *st, const char *dn, struct store_line *l, struct dt_errbuf *e)
{
	int64_t id;
	int found;
	int rc = find_dn(st, dn, &id, l, &found, e);
	if (rc != DT_OK)
		return rc;
	return found ? DT_OK : dt_errf(e, DT_ENOENT, "dn: no line %s", dn);
}

#define LINE_COLS                                                                                  \
	"SELECT l.dn, l.display, l.auth_user, l.password, coalesce(d.name, ''), "                  \
	"coalesce(a.button, 0), coalesce(a.label, '') "

static void
row_line(sqlite3_stmt *s, struct store_line *l)
{
	memset(l, 0, sizeof *l);
	col_text(s, 0, l->dn, sizeof l->dn);
	col_text(s, 1, l->display, sizeof l->display);
	col_text(s, 2, l->auth_user, sizeof l->auth_user);
	col_text(s, 3, l->password, sizeof l->password);
	col_text(s, 4, l->device, sizeof l->device);
	l->button = sqlite3_column_int(s, 5);
	col_text(s, 6, l->label, sizeof l->label);
}

int
store_line_foreach(struct store *st, const char *device,
		   int (*fn)(const struct store_line *l, void *arg), void *arg, struct dt_errbuf *e)
{
	struct store_device d;
	struct store_line l;
	sqlite3_stmt *s;
	int rc, stop = 0;

	if (device) {
		if ((rc = store_device_get(st, device, &d, e)) != DT_OK)
			return rc;
		s = stmt_fresh(st,
			       LINE_COLS
			       "FROM line_appearance a JOIN line l ON l.id = a.line_id "
			       "JOIN device d ON d.id = a.device_id WHERE a.device_id = ? "
			       "ORDER BY a.button",
			       e);
		if (s)
			sqlite3_bind_int64(s, 1, d.id);
	} else {
		s = stmt_fresh(st,
			       LINE_COLS "FROM line l LEFT JOIN line_appearance a ON a.line_id = "
					 "l.id LEFT JOIN device d ON d.id = a.device_id "
					 "ORDER BY l.dn, d.name, a.button",
			       e);
	}
	if (!s)
		return DT_EDB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_line(s, &l);
		if ((stop = fn(&l, arg)) != 0)
			break;
	}
	return stmt_walk_end(st, s, rc, stop, "line", e);
}
