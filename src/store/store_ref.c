/* summary: reference data devices point to: device pools (resolved with their CallManager group
 * and date/time group), SIP and common phone profiles, softkey templates, dial rules, ringtones
 * and firmware loads. */
#include "store/store_priv.h"

#include <stdio.h>
#include <string.h>

/* Fill p from a device_pool row id: group members, date/time group and its NTP servers. */
static int
pool_fill(struct store *st, int64_t id, struct store_pool *p, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_fresh(
	    st,
	    "SELECT p.name, g.name, t.name, t.tz_windows, t.tz_olson, t.date_template, p.region, "
	    "p.user_locale, p.network_locale, t.id FROM device_pool p JOIN cm_group g ON g.id = "
	    "p.cm_group_id JOIN datetime_group t ON t.id = p.datetime_group_id WHERE p.id = ?",
	    e);
	struct store_cm_group g;
	int64_t tid = 0;
	int rc;

	if (!s)
		return DT_EDB;
	memset(p, 0, sizeof *p);
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		col_text(s, 0, p->name, sizeof p->name);
		col_text(s, 1, p->cm_group, sizeof p->cm_group);
		col_text(s, 2, p->datetime_group, sizeof p->datetime_group);
		col_text(s, 3, p->tz_windows, sizeof p->tz_windows);
		col_text(s, 4, p->tz_olson, sizeof p->tz_olson);
		col_text(s, 5, p->date_template, sizeof p->date_template);
		col_text(s, 6, p->region, sizeof p->region);
		col_text(s, 7, p->user_locale, sizeof p->user_locale);
		col_text(s, 8, p->network_locale, sizeof p->network_locale);
		tid = sqlite3_column_int64(s, 9);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return db_fail(st, e, "device_pool");
	if ((rc = store_cmgroup_get(st, p->cm_group, &g, e)) != DT_OK)
		return rc;
	memcpy(p->members, g.members, sizeof p->members);
	p->n_members = g.n_members;
	s = stmt_fresh(st, "SELECT address FROM datetime_ntp WHERE group_id = ? ORDER BY position",
		       e);
	if (!s)
		return DT_EDB;
	sqlite3_bind_int64(s, 1, tid);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && p->n_ntp < STORE_MAX_NTP)
		col_text(s, 0, p->ntp[p->n_ntp++], sizeof p->ntp[0]);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DT_OK : db_fail(st, e, "datetime_ntp");
}

int
store_pool_get(struct store *st, const char *name, struct store_pool *p, struct dt_errbuf *e)
{
	int64_t id;
	int rc = ref_id(st, "device_pool", "pool", name && *name ? name : "Default", &id, e);
	return rc ? rc : pool_fill(st, id, p, e);
}

int
store_pool_foreach(struct store *st, int (*fn)(const struct store_pool *p, void *arg), void *arg,
		   struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_fresh(st, "SELECT id FROM device_pool ORDER BY name", e);
	struct store_pool p;
	int rc, stop = 0;
	if (!s)
		return DT_EDB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (pool_fill(st, sqlite3_column_int64(s, 0), &p, e) != DT_OK) {
			sqlite3_finalize(s);
			return DT_EDB;
		}
		if ((stop = fn(&p, arg)) != 0)
			break;
	}
	return stmt_walk_end(st, s, rc, stop, "device_pool", e);
}

/* A new date/time group for pool p: CMLocal's values with p's replacements. */
static int
datetime_create(struct store *st, const struct store_pool *p, int64_t *tid, struct dt_errbuf *e)
{
	const char *name = p->datetime_group[0] ? p->datetime_group : p->name;
	sqlite3_stmt *s;
	int rc;

	if (ref_id(st, "datetime_group", "datetime_group", name, tid, NULL) == DT_OK)
		return dt_errf(e, DT_EEXIST, "datetime_group: %s already exists", name);
	if ((rc = check_text("tz_windows", p->tz_windows, 63, NULL, e)) ||
	    (p->tz_olson[0] && (rc = check_token("timezone", p->tz_olson, 63, "/_+-", e))) ||
	    (p->date_template[0] &&
	     (rc = check_token("date_template", p->date_template, 15, "/.-", e))))
		return rc;
	if (!(s = stmt_get(
		  st,
		  "INSERT INTO datetime_group (name, tz_windows, tz_olson, date_template) "
		  "SELECT ?1, coalesce(nullif(?2, ''), tz_windows), coalesce(nullif(?3, ''), "
		  "tz_olson), coalesce(nullif(?4, ''), date_template) FROM datetime_group "
		  "WHERE name = 'CMLocal'",
		  e)))
		return DT_EDB;
	bind_text(s, 1, name);
	bind_text(s, 2, p->tz_windows);
	bind_text(s, 3, p->tz_olson);
	bind_text(s, 4, p->date_template);
	if ((rc = stmt_done(st, s, "datetime_group", e)) != DT_OK)
		return rc;
	*tid = sqlite3_last_insert_rowid(st->db);
	for (int i = 0; i < p->n_ntp && i < STORE_MAX_NTP; i++) {
		if ((rc = check_token("ntp", p->ntp[i], 63, ".:-", e)) != DT_OK)
			return rc;
		if (!(s = stmt_get(st,
				   "INSERT INTO datetime_ntp (group_id, position, address) VALUES "
				   "(?, ?, ?)",
				   e)))
			return DT_EDB;
		sqlite3_bind_int64(s, 1, *tid);
		sqlite3_bind_int(s, 2, i);
		bind_text(s, 3, p->ntp[i]);
		if ((rc = stmt_done(st, s, "datetime_ntp", e)) != DT_OK)
			return rc;
	}
	return DT_OK;
}

static int
pool_insert(struct store *st, const struct store_pool *p, struct dt_errbuf *e)
{
	int64_t id, gid, tid;
	sqlite3_stmt *s;
	int rc;

	if ((rc = check_text("name", p->name, 63, NULL, e)))
		return rc;
	if (!p->name[0])
		return dt_errf(e, DT_EINVAL, "name: empty");
	if (ref_id(st, "device_pool", "name", p->name, &id, NULL) == DT_OK)
		return dt_errf(e, DT_EEXIST, "name: device pool %s already exists", p->name);
	if ((rc = ref_id(st, "cm_group", "cm_group", p->cm_group[0] ? p->cm_group : "Default", &gid,
			 e)))
		return rc;
	if (p->tz_olson[0] || p->tz_windows[0] || p->date_template[0] || p->n_ntp)
		rc = datetime_create(st, p, &tid, e);
	else
		rc = ref_id(st, "datetime_group", "datetime_group",
			    p->datetime_group[0] ? p->datetime_group : "CMLocal", &tid, e);
	if (rc)
		return rc;
	if ((p->region[0] && (rc = check_token("region", p->region, 63, "_- ", e))) ||
	    (p->user_locale[0] && (rc = check_token("user_locale", p->user_locale, 63, "_-", e))) ||
	    (p->network_locale[0] &&
	     (rc = check_token("network_locale", p->network_locale, 63, "_-", e))))
		return rc;
	if (!(s = stmt_get(st,
			   "INSERT INTO device_pool (name, cm_group_id, datetime_group_id, region, "
			   "user_locale, network_locale) VALUES (?1, ?2, ?3, "
			   "coalesce(nullif(?4, ''), 'Default'), "
			   "coalesce(nullif(?5, ''), 'English_United_States'), "
			   "coalesce(nullif(?6, ''), 'United_States'))",
			   e)))
		return DT_EDB;
	bind_text(s, 1, p->name);
	sqlite3_bind_int64(s, 2, gid);
	sqlite3_bind_int64(s, 3, tid);
	bind_text(s, 4, p->region);
	bind_text(s, 5, p->user_locale);
	bind_text(s, 6, p->network_locale);
	if ((rc = stmt_done(st, s, "device_pool", e)) != DT_OK)
		return rc;
	return change_log(st, "pool", p->name, e);
}

int
store_pool_add(struct store *st, const struct store_pool *p, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	return rc ? rc : tx_end(st, pool_insert(st, p, e), e);
}

/* One-row lookup by name for the small profile tables; "" means the seeded default `def`. */
static sqlite3_stmt *
named_row(struct store *st, const char *sql, const char *name, const char *def, const char *field,
	  const char *what, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st, sql, e);
	int rc;
	if (!s)
		return NULL;
	bind_text(s, 1, name && *name ? name : def);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return s;
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		dt_errf(e, DT_ENOENT, "%s: unknown %s '%s'", field, what,
			name && *name ? name : def);
	else
		db_fail(st, e, what);
	return NULL;
}

int
store_sip_profile_get(struct store *st, const char *name, struct store_sip_profile *sp,
		      struct dt_errbuf *e)
{
	sqlite3_stmt *s = named_row(st,
				    "SELECT name, register_expires, register_delta, "
				    "keepalive_expires, transport, digest_auth FROM sip_profile "
				    "WHERE name = ?",
				    name, "Standard SIP Profile", "sip_profile", "SIP profile", e);
	if (!s)
		return e ? e->code : DT_ENOENT;
	memset(sp, 0, sizeof *sp);
	col_text(s, 0, sp->name, sizeof sp->name);
	sp->register_expires = sqlite3_column_int(s, 1);
	sp->register_delta = sqlite3_column_int(s, 2);
	sp->keepalive_expires = sqlite3_column_int(s, 3);
	sp->transport = sqlite3_column_int(s, 4);
	sp->digest_auth = sqlite3_column_int(s, 5);
	sqlite3_reset(s);
	return DT_OK;
}

int
store_common_profile_get(struct store *st, const char *name, struct store_common_profile *cp,
			 struct dt_errbuf *e)
{
	sqlite3_stmt *s = named_row(st,
				    "SELECT name, phone_password, background_image_access, "
				    "call_log_blf_enabled FROM common_profile WHERE name = ?",
				    name, "Standard Common Phone Profile", "common_profile",
				    "common phone profile", e);
	if (!s)
		return e ? e->code : DT_ENOENT;
	memset(cp, 0, sizeof *cp);
	col_text(s, 0, cp->name, sizeof cp->name);
	col_text(s, 1, cp->phone_password, sizeof cp->phone_password);
	cp->background_image_access = sqlite3_column_int(s, 2);
	cp->call_log_blf_enabled = sqlite3_column_int(s, 3);
	sqlite3_reset(s);
	return DT_OK;
}

int
store_softkey_template_get(struct store *st, const char *name, struct store_softkey_template *t,
			   struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    named_row(st, "SELECT name, file_name FROM softkey_template WHERE name = ?", name,
		      "Standard User", "softkey_template", "softkey template", e);
	if (!s)
		return e ? e->code : DT_ENOENT;
	memset(t, 0, sizeof *t);
	col_text(s, 0, t->name, sizeof t->name);
	col_text(s, 1, t->file_name, sizeof t->file_name);
	sqlite3_reset(s);
	return DT_OK;
}

int
store_dial_rules_get(struct store *st, const char *name, struct store_dial_rules *r,
		     struct dt_errbuf *e)
{
	sqlite3_stmt *s = named_row(st, "SELECT name, file_name FROM dial_rules WHERE name = ?",
				    name, "Default", "dial_rules", "dial rules", e);
	if (!s)
		return e ? e->code : DT_ENOENT;
	memset(r, 0, sizeof *r);
	col_text(s, 0, r->name, sizeof r->name);
	col_text(s, 1, r->file_name, sizeof r->file_name);
	sqlite3_reset(s);
	return DT_OK;
}

/* Walk a two-text-column query (name, file_name) into fn. */
static int
walk_named(struct store *st, const char *sql, int is_softkey, void *fn, void *arg,
	   struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_fresh(st, sql, e);
	int rc, stop = 0;
	if (!s)
		return DT_EDB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (is_softkey) {
			struct store_softkey_template t;
			memset(&t, 0, sizeof t);
			col_text(s, 0, t.name, sizeof t.name);
			col_text(s, 1, t.file_name, sizeof t.file_name);
			stop =
			    ((int (*)(const struct store_softkey_template *, void *))fn)(&t, arg);
		} else {
			struct store_dial_rules r;
			memset(&r, 0, sizeof r);
			col_text(s, 0, r.name, sizeof r.name);
			col_text(s, 1, r.file_name, sizeof r.file_name);
			stop = ((int (*)(const struct store_dial_rules *, void *))fn)(&r, arg);
		}
		if (stop)
			break;
	}
	sqlite3_finalize(s);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(st, e, is_softkey ? "softkey_template" : "dial_rules");
	return stop;
}

int
store_softkey_template_foreach(struct store *st,
			       int (*fn)(const struct store_softkey_template *t, void *arg),
			       void *arg, struct dt_errbuf *e)
{
	return walk_named(st, "SELECT name, file_name FROM softkey_template ORDER BY name", 1,
			  (void *)fn, arg, e);
}

int
store_dial_rules_foreach(struct store *st, int (*fn)(const struct store_dial_rules *r, void *arg),
			 void *arg, struct dt_errbuf *e)
{
	return walk_named(st, "SELECT name, file_name FROM dial_rules ORDER BY name", 0, (void *)fn,
			  arg, e);
}

int
store_dial_rule_foreach(struct store *st, const char *rules,
			int (*fn)(const struct store_dial_rule *r, void *arg), void *arg,
			struct dt_errbuf *e)
{
	int64_t id;
	int rc = ref_id(st, "dial_rules", "dial_rules", rules, &id, e), stop = 0;
	sqlite3_stmt *s;
	if (rc != DT_OK)
		return rc;
	if (!(s = stmt_fresh(st,
			     "SELECT position, pattern, timeout, user FROM dial_rule WHERE "
			     "rules_id = ? ORDER BY position",
			     e)))
		return DT_EDB;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_dial_rule r;
		memset(&r, 0, sizeof r);
		r.position = sqlite3_column_int(s, 0);
		col_text(s, 1, r.pattern, sizeof r.pattern);
		r.timeout = sqlite3_column_int(s, 2);
		col_text(s, 3, r.user, sizeof r.user);
		if ((stop = fn(&r, arg)) != 0)
			break;
	}
	return stmt_walk_end(st, s, rc, stop, "dial_rule", e);
}

int
store_ringtone_foreach(struct store *st, int (*fn)(const struct store_ringtone *r, void *arg),
		       void *arg, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_fresh(
	    st, "SELECT position, display_name, file_name FROM ringtone ORDER BY position", e);
	int rc, stop = 0;
	if (!s)
		return DT_EDB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_ringtone r;
		memset(&r, 0, sizeof r);
		r.position = sqlite3_column_int(s, 0);
		col_text(s, 1, r.display_name, sizeof r.display_name);
		col_text(s, 2, r.file_name, sizeof r.file_name);
		if ((stop = fn(&r, arg)) != 0)
			break;
	}
	return stmt_walk_end(st, s, rc, stop, "ringtone", e);
}

int
store_firmware_foreach(struct store *st, const char *model,
		       int (*fn)(const struct store_firmware_file *f, void *arg), void *arg,
		       struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    stmt_fresh(st,
		       "SELECT l.model, l.load_id, coalesce(f.file_name, '') FROM "
		       "firmware_load l LEFT JOIN firmware_file f ON f.load_id = l.id "
		       "WHERE ?1 IS NULL OR l.model = ?1 "
		       "ORDER BY l.model, l.load_id, f.file_name",
		       e);
	int rc, stop = 0;
	if (!s)
		return DT_EDB;
	if (model)
		bind_text(s, 1, model);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_firmware_file f;
		memset(&f, 0, sizeof f);
		col_text(s, 0, f.model, sizeof f.model);
		col_text(s, 1, f.load_id, sizeof f.load_id);
		col_text(s, 2, f.file_name, sizeof f.file_name);
		if ((stop = fn(&f, arg)) != 0)
			break;
	}
	return stmt_walk_end(st, s, rc, stop, "firmware_load", e);
}
