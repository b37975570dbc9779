/* summary: the phone model catalogue: data/models.tsv (embedded) loaded into the model table when
 * its content changed, and the model lookups.
 *
 * Why data and not code: adding a phone model is one row in data/models.tsv. The file's hash is
 * kept in meta('models_tsv'), so opening the database costs one SELECT unless a new binary brings a
 * changed catalogue; then rows are upserted, rows gone from the file are deleted unless a device
 * still uses them, and every changed model is written to the change log ("model", name) so the
 * configuration generator rebuilds the files of its devices.
 */
#include "store/store_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"

#define MODELS_PATH "data/models.tsv"
#define NCOLS	    9

static uint64_t
fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

/* Split one line (no newline) into NCOLS tab-separated fields in place. */
static int
split(char *line, char **col)
{
	int n = 0;
	col[n++] = line;
	for (char *p = line; *p; p++) {
		if (*p != '\t')
			continue;
		*p = 0;
		if (n == NCOLS)
			return -1;
		col[n++] = p + 1;
	}
	return n == NCOLS ? 0 : -1;
}

static int
parse_row(char **col, struct store_model *m, int lineno, struct dt_errbuf *e)
{
	char *end;
	memset(m, 0, sizeof *m);
	if (check_token("name", col[0], sizeof m->name - 1, "-_", e) ||
	    check_text("product", col[1], sizeof m->product - 1, NULL, e) ||
	    check_token("load_prefix", col[4], sizeof m->load_prefix - 1, "-_.", e) ||
	    check_token("default_load", col[5], sizeof m->default_load - 1, "-_.", e) ||
	    check_token("dialect", col[6], sizeof m->dialect - 1, "-_", e) ||
	    check_token("locale_jar", col[7], sizeof m->locale_jar - 1, "-_.", e) ||
	    check_token("vendor_cfg", col[8], sizeof m->vendor_cfg - 1, "-_", e))
		goto bad;
	snprintf(m->name, sizeof m->name, "%s", col[0]);
	snprintf(m->product, sizeof m->product, "%s", col[1]);
	m->type_num = (int)strtol(col[2], &end, 10);
	if (*end || m->type_num <= 0) {
		dt_errf(e, DT_EINVAL, "type_num: '%s' is not a number", col[2]);
		goto bad;
	}
	m->buttons = (int)strtol(col[3], &end, 10);
	if (*end || m->buttons < 1 || m->buttons > 64) {
		dt_errf(e, DT_EINVAL, "buttons: '%s' is not 1..64", col[3]);
		goto bad;
	}
	snprintf(m->load_prefix, sizeof m->load_prefix, "%s", col[4]);
	snprintf(m->default_load, sizeof m->default_load, "%s", col[5]);
	snprintf(m->dialect, sizeof m->dialect, "%s", col[6]);
	/* "-" marks "no jar known": keeps every column non-empty, so a missing tab is an error. */
	snprintf(m->locale_jar, sizeof m->locale_jar, "%s", strcmp(col[7], "-") ? col[7] : "");
	snprintf(m->vendor_cfg, sizeof m->vendor_cfg, "%s", col[8]);
	return DT_OK;
bad : {
	char msg[sizeof e->msg];
	snprintf(msg, sizeof msg, "%s", e ? e->msg : "");
	return dt_errf(e, DT_EINVAL, "models.tsv:%d: %s", lineno, msg);
}
}

static int
upsert(struct store *st, const struct store_model *m, struct dt_errbuf *e)
{
	static const char sql[] =
	    "INSERT INTO model (name, product, type_num, buttons, load_prefix, default_load, "
	    "dialect, locale_jar, vendor_cfg) VALUES (?,?,?,?,?,?,?,?,?) "
	    "ON CONFLICT (name) DO UPDATE SET product = excluded.product, type_num = "
	    "excluded.type_num, buttons = excluded.buttons, load_prefix = excluded.load_prefix, "
	    "default_load = excluded.default_load, dialect = excluded.dialect, locale_jar = "
	    "excluded.locale_jar, vendor_cfg = excluded.vendor_cfg "
	    "WHERE (product, type_num, buttons, load_prefix, default_load, dialect, locale_jar, "
	    "vendor_cfg) IS NOT (excluded.product, excluded.type_num, excluded.buttons, "
	    "excluded.load_prefix, excluded.default_load, excluded.dialect, excluded.locale_jar, "
	    "excluded.vendor_cfg)";
	sqlite3_stmt *s = stmt_get(st, sql, e);
	if (!s)
		return DT_EDB;
	bind_text(s, 1, m->name);
	bind_text(s, 2, m->product);
	sqlite3_bind_int(s, 3, m->type_num);
	sqlite3_bind_int(s, 4, m->buttons);
	bind_text(s, 5, m->load_prefix);
	bind_text(s, 6, m->default_load);
	bind_text(s, 7, m->dialect);
	bind_text(s, 8, m->locale_jar);
	bind_text(s, 9, m->vendor_cfg);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return dt_errf(e, DT_EDB, "models.tsv: model %s: %s", m->name,
			       sqlite3_errmsg(st->db));
	if (sqlite3_changes(st->db) > 0)
		return change_log(st, "model", m->name, e);
	return DT_OK;
}

/* Parse every row and upsert it; collect the names for the "gone" pass. */
static int
load_rows(struct store *st, char *text, struct dt_errbuf *e)
{
	int lineno = 0, rc;
	char *line = text, *next;
	for (; line && *line; line = next) {
		char *col[NCOLS];
		struct store_model m;
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		if (line[0] == '#' || line[0] == 0)
			continue;
		if (split(line, col) != 0)
			return dt_errf(e, DT_EINVAL,
				       "models.tsv:%d: expected %d tab-separated columns", lineno,
				       NCOLS);
		if ((rc = parse_row(col, &m, lineno, e)) != DT_OK ||
		    (rc = upsert(st, &m, e)) != DT_OK)
			return rc;
		sqlite3_stmt *s = stmt_get(st, "INSERT INTO seen_model VALUES (?)", e);
		if (!s)
			return DT_EDB;
		bind_text(s, 1, m.name);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return dt_errf(e, DT_EINVAL, "models.tsv:%d: model %s listed twice", lineno,
				       m.name);
	}
	return DT_OK;
}

static int
remove_gone(struct store *st, struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    stmt_fresh(st,
		       "DELETE FROM model WHERE name NOT IN (SELECT name FROM seen_model)"
		       " AND name NOT IN (SELECT model FROM device) RETURNING name",
		       e);
	int rc;
	if (!s)
		return DT_EDB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (change_log(st, "model", (const char *)sqlite3_column_text(s, 0), e) != DT_OK) {
			sqlite3_finalize(s);
			return DT_EDB;
		}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? DT_OK : db_fail(st, e, "model");
}

static int
stored_hash(struct store *st, char *out, size_t n, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st, "SELECT value FROM meta WHERE key = 'models_tsv'", e);
	if (!s)
		return DT_EDB;
	int rc = sqlite3_step(s);
	out[0] = 0;
	if (rc == SQLITE_ROW)
		col_text(s, 0, out, n);
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DT_OK : db_fail(st, e, "meta");
}

int
model_catalogue_sync(struct store *st, struct dt_errbuf *e)
{
	const struct dt_embedded *f = dt_embedded_find(MODELS_PATH);
	char want[24], have[24];
	char *text;
	int rc;

	if (!f)
		return dt_errf(e, DT_ENOENT, "models.tsv: not built into this binary");
	snprintf(want, sizeof want, "%016llx", (unsigned long long)fnv1a(f->data, f->len));
	if ((rc = stored_hash(st, have, sizeof have, e)) != DT_OK)
		return rc;
	if (strcmp(want, have) == 0)
		return DT_OK;
	text = malloc(f->len + 1);
	if (!text)
		return dt_errf(e, DT_ENOMEM, "models.tsv: out of memory");
	memcpy(text, f->data, f->len + 1);
	if ((rc = tx_begin(st, e)) != DT_OK)
		goto out;
	rc = db_exec(st,
		     "CREATE TEMP TABLE IF NOT EXISTS seen_model (name TEXT PRIMARY KEY);"
		     "DELETE FROM seen_model",
		     e);
	if (rc == DT_OK)
		rc = load_rows(st, text, e);
	if (rc == DT_OK)
		rc = remove_gone(st, e);
	if (rc == DT_OK) {
		sqlite3_stmt *s = stmt_get(
		    st, "INSERT OR REPLACE INTO meta (key, value) VALUES ('models_tsv', ?)", e);
		rc = DT_EDB;
		if (s) {
			bind_text(s, 1, want);
			rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : db_fail(st, e, "meta");
			sqlite3_reset(s);
		}
	}
	rc = tx_end(st, rc, e);
out:
	free(text);
	return rc;
}

static void
row_model(sqlite3_stmt *s, struct store_model *m)
{
	memset(m, 0, sizeof *m);
	col_text(s, 0, m->name, sizeof m->name);
	col_text(s, 1, m->product, sizeof m->product);
	m->type_num = sqlite3_column_int(s, 2);
	m->buttons = sqlite3_column_int(s, 3);
	col_text(s, 4, m->load_prefix, sizeof m->load_prefix);
	col_text(s, 5, m->default_load, sizeof m->default_load);
	col_text(s, 6, m->dialect, sizeof m->dialect);
	col_text(s, 7, m->locale_jar, sizeof m->locale_jar);
	col_text(s, 8, m->vendor_cfg, sizeof m->vendor_cfg);
}

/* default_load: the load the admin flagged as the model's default (`dialtone load default`,
 * migration 0005), else the catalogue's. Read here so every reader (the generator, XMLDefault,
 * `model list`) sees the same value. */
#define MODEL_COLS                                                                                 \
	"name, product, type_num, buttons, load_prefix, coalesce((SELECT l.load_id FROM "          \
	"firmware_load l WHERE l.model = model.name AND l.is_default = 1), default_load), "        \
	"dialect, locale_jar, vendor_cfg "

/* One model row for sql with one parameter: 1 found, 0 not, DT_EDB negated on error. */
static int
model_row_by(struct store *st, const char *sql, const char *name, struct store_model *m,
	     struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st, sql, e);
	int rc;
	if (!s)
		return -DT_EDB;
	bind_text(s, 1, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		row_model(s, m);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -db_fail(st, e, "model");
	return rc == SQLITE_ROW;
}

int
store_model_get(struct store *st, const char *name, struct store_model *m, struct dt_errbuf *e)
{
	/* The catalogue key is what the store itself passes (a primary-key lookup); "Cisco 8851"
	 * and "CP-8851" are what admins type too, tried second (a scan of a few dozen rows). */
	int rc = model_row_by(st, "SELECT " MODEL_COLS "FROM model WHERE name = ?", name, m, e);
	if (rc == 0)
		rc = model_row_by(st,
				  "SELECT " MODEL_COLS "FROM model WHERE product = ?1 COLLATE "
				  "NOCASE OR ('CP-' || name) = ?1 COLLATE NOCASE",
				  name, m, e);
	if (rc < 0)
		return -rc;
	if (rc == 1)
		return DT_OK;
	return dt_errf(e, DT_ENOENT, "model: unknown model '%s' (see dialtone model list)", name);
}

int
store_model_foreach(struct store *st, int (*fn)(const struct store_model *m, void *arg), void *arg,
		    struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_fresh(st, "SELECT " MODEL_COLS "FROM model ORDER BY name", e);
	struct store_model m;
	int rc, stop = 0;
	if (!s)
		return DT_EDB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_model(s, &m);
		if ((stop = fn(&m, arg)) != 0)
			break;
	}
	return stmt_walk_end(st, s, rc, stop, "model", e);
}
