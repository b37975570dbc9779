/* summary: SIP profile writes and listing (`dialtone sipprofile add|set|list`); the single-row
 * read is store_sip_profile_get in store_ref.c.
 *
 * Each write logs ("profile", NAME): the generator reloads its profiles and re-renders the
 * devices that use the changed one (timers, transport in their SEP<MAC>.cnf.xml), and the
 * registrar reloads its digest flags on the same change.
 */
#include "store/store_priv.h"

#include <stddef.h>
#include <string.h>

static int
check_profile(const struct store_sip_profile *sp, struct dt_errbuf *e)
{
	static const struct {
		const char *field;
		size_t off;
		int lo, hi;
	} ranges[] = {
	    {"register-expires", offsetof(struct store_sip_profile, register_expires), 60, 86400},
	    {"register-delta", offsetof(struct store_sip_profile, register_delta), 0, 600},
	    {"keepalive-expires", offsetof(struct store_sip_profile, keepalive_expires), 0, 86400},
	    {"transport", offsetof(struct store_sip_profile, transport), 1, 4},
	    {"digest-auth", offsetof(struct store_sip_profile, digest_auth), 0, 1},
	};
	int rc = check_text("name", sp->name, sizeof sp->name - 1, NULL, e);
	if (rc != DT_OK)
		return rc;
	if (!sp->name[0])
		return dt_errf(e, DT_EINVAL, "name: empty");
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
		int v = *(const int *)((const char *)sp + ranges[i].off);
		if (v < ranges[i].lo || v > ranges[i].hi)
			return dt_errf(e, DT_ERANGE, "%s: %d is not %d..%d", ranges[i].field, v,
				       ranges[i].lo, ranges[i].hi);
	}
	return DT_OK;
}

static int
profile_write(struct store *st, const struct store_sip_profile *sp, int insert, struct dt_errbuf *e)
{
	static const char ins[] = "INSERT INTO sip_profile (register_expires, register_delta, "
				  "keepalive_expires, transport, digest_auth, name) "
				  "VALUES (?, ?, ?, ?, ?, ?)";
	static const char upd[] =
	    "UPDATE sip_profile SET register_expires = ?, register_delta = ?, "
	    "keepalive_expires = ?, transport = ?, digest_auth = ? WHERE "
	    "name = ?";
	sqlite3_stmt *s;
	int rc;

	if ((rc = check_profile(sp, e)) != DT_OK)
		return rc;
	if (!(s = stmt_get(st, insert ? ins : upd, e)))
		return DT_EDB;
	sqlite3_bind_int(s, 1, sp->register_expires);
	sqlite3_bind_int(s, 2, sp->register_delta);
	sqlite3_bind_int(s, 3, sp->keepalive_expires);
	sqlite3_bind_int(s, 4, sp->transport);
	sqlite3_bind_int(s, 5, sp->digest_auth);
	bind_text(s, 6, sp->name);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (insert && rc == SQLITE_CONSTRAINT)
		return dt_errf(e, DT_EEXIST, "name: SIP profile '%s' exists already", sp->name);
	if (rc != SQLITE_DONE)
		return db_fail(st, e, "sip_profile");
	if (!insert && sqlite3_changes(st->db) == 0)
		return dt_errf(e, DT_ENOENT, "name: unknown SIP profile '%s'", sp->name);
	return change_log(st, "profile", sp->name, e);
}

int
store_sip_profile_add(struct store *st, const struct store_sip_profile *sp, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	return rc ? rc : tx_end(st, profile_write(st, sp, 1, e), e);
}

int
store_sip_profile_update(struct store *st, const struct store_sip_profile *sp, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	return rc ? rc : tx_end(st, profile_write(st, sp, 0, e), e);
}

int
store_sip_profile_foreach(struct store *st,
			  int (*fn)(const struct store_sip_profile *sp, void *arg), void *arg,
			  struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_fresh(st,
				     "SELECT name, register_expires, register_delta, "
				     "keepalive_expires, transport, digest_auth FROM sip_profile "
				     "ORDER BY name",
				     e);
	int rc, stop = 0;
	if (!s)
		return DT_EDB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_sip_profile sp;
		memset(&sp, 0, sizeof sp);
		col_text(s, 0, sp.name, sizeof sp.name);
		sp.register_expires = sqlite3_column_int(s, 1);
		sp.register_delta = sqlite3_column_int(s, 2);
		sp.keepalive_expires = sqlite3_column_int(s, 3);
		sp.transport = sqlite3_column_int(s, 4);
		sp.digest_auth = sqlite3_column_int(s, 5);
		if ((stop = fn(&sp, arg)) != 0)
			break;
	}
	return stmt_walk_end(st, s, rc, stop, "sip_profile", e);
}
