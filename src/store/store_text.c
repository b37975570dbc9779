/* summary: field checks and column copies shared by the store's write and read paths, so every
 * validation error has the same shape: "FIELD: what is wrong". */
#include "store/store_priv.h"

#include <stdio.h>
#include <string.h>

void
col_text(sqlite3_stmt *s, int i, char *dst, size_t n)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

int
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

int
check_text(const char *field, const char *v, size_t max, const char *forbid, struct dt_errbuf *e)
{
	size_t n = strlen(v);
	if (n > max)
		return dt_errf(e, DT_EINVAL, "%s: longer than %zu characters", field, max);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x20 || c == 0x7f)
			return dt_errf(e, DT_EINVAL, "%s: control character at position %zu", field,
				       i + 1);
		if (forbid && strchr(forbid, c))
			return dt_errf(e, DT_EINVAL, "%s: character '%c' is not allowed", field, c);
	}
	return DT_OK;
}

int
check_token(const char *field, const char *v, size_t max, const char *extra, struct dt_errbuf *e)
{
	size_t n = strlen(v);
	if (n == 0)
		return dt_errf(e, DT_EINVAL, "%s: empty", field);
	if (n > max)
		return dt_errf(e, DT_EINVAL, "%s: '%.40s…' is longer than %zu characters", field, v,
			       max);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			continue;
		if (c && extra && strchr(extra, c))
			continue;
		return dt_errf(e, DT_EINVAL, "%s: '%s' has a character that is not allowed ('%c')",
			       field, v, c >= 0x20 && c < 0x7f ? c : '?');
	}
	return DT_OK;
}

/* Static SQL per table: the statement cache keys on the text pointer. */
static const struct {
	const char *table;
	const char *what;
	const char *sql;
} ref_sql[] = {
    {"device_pool", "device pool", "SELECT id FROM device_pool WHERE name = ?"},
    {"cm_group", "CallManager group", "SELECT id FROM cm_group WHERE name = ?"},
    {"datetime_group", "date/time group", "SELECT id FROM datetime_group WHERE name = ?"},
    {"sip_profile", "SIP profile", "SELECT id FROM sip_profile WHERE name = ?"},
    {"common_profile", "common phone profile", "SELECT id FROM common_profile WHERE name = ?"},
    {"softkey_template", "softkey template", "SELECT id FROM softkey_template WHERE name = ?"},
    {"dial_rules", "dial rules", "SELECT id FROM dial_rules WHERE name = ?"},
    {"node", "node", "SELECT id FROM node WHERE name = ?"},
};

int
ref_id(struct store *st, const char *table, const char *field, const char *name, int64_t *id,
       struct dt_errbuf *e)
{
	for (size_t i = 0; i < sizeof ref_sql / sizeof ref_sql[0]; i++) {
		if (strcmp(ref_sql[i].table, table) != 0)
			continue;
		sqlite3_stmt *s = stmt_get(st, ref_sql[i].sql, e);
		if (!s)
			return DT_EDB;
		bind_text(s, 1, name);
		int rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*id = sqlite3_column_int64(s, 0);
			sqlite3_reset(s);
			return DT_OK;
		}
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return db_fail(st, e, table);
		return dt_errf(e, DT_ENOENT, "%s: unknown %s '%s'", field, ref_sql[i].what, name);
	}
	return dt_errf(e, DT_EINVAL, "database: no reference table '%s'", table);
}
