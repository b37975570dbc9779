/* summary: firmware loads per phone model (`dialtone load add|list|delete|default`): the loads the
 * cluster knows, their image files, and which one is a model's default.
 *
 * A model's default load is read by store_model.c as "the flagged load of the model, else the
 * catalogue's" (migration 0005), so changing it is one UPDATE plus ("firmware", MODEL) in the
 * change log, and the generator re-renders the files that show the model's <loadInformation>
 * (its devices without a load of their own, XMLDefault). Other load writes log ("load", LOADID),
 * which no file depends on. Devices
 * with their own load (device.load) keep it; a load a device names cannot be deleted.
 */
#include "store/store_priv.h"

#include <stdio.h>
#include <string.h>

#define LOAD_CHARS "._-"

/* model (any accepted spelling) → catalogue key and load prefix. */
static int
model_key(struct store *st, const char *model, char key[24], char prefix[24], struct dt_errbuf *e)
{
	struct store_model m;
	int rc = store_model_get(st, model, &m, e);
	if (rc != DT_OK)
		return rc;
	snprintf(key, 24, "%s", m.name);
	snprintf(prefix, 24, "%s", m.load_prefix);
	return DT_OK;
}

/* Row id of (model, load_id): 1 found, 0 not, -DT_EDB on error. */
static int
load_row(struct store *st, const char *model, const char *load_id, int64_t *id, int *is_default,
	 struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(
	    st, "SELECT id, is_default FROM firmware_load WHERE model = ? AND load_id = ?", e);
	int rc;
	if (!s)
		return -DT_EDB;
	bind_text(s, 1, model);
	bind_text(s, 2, load_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		if (is_default)
			*is_default = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -db_fail(st, e, "firmware_load");
	return rc == SQLITE_ROW;
}

/* Clear model's default flag, then set it on row id (0: none); log the model when it changed.
 * Two statements: one UPDATE flipping both rows would trip the one-default-per-model index on
 * the first row it changed (SQLite checks unique indexes row by row). */
static int
set_default_row(struct store *st, const char *model, int64_t id, struct dt_errbuf *e)
{
	static const char *const sql[] = {
	    "UPDATE firmware_load SET is_default = 0 WHERE model = ?1 AND is_default = 1 AND id "
	    "<> ?2",
	    "UPDATE firmware_load SET is_default = 1 WHERE model = ?1 AND id = ?2 AND is_default = "
	    "0",
	};
	int changed = 0;
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *s = stmt_get(st, sql[i], e);
		int rc;
		if (!s)
			return DT_EDB;
		bind_text(s, 1, model);
		sqlite3_bind_int64(s, 2, id);
		if ((rc = stmt_done(st, s, "firmware_load", e)) != DT_OK)
			return rc;
		changed += sqlite3_changes(st->db);
	}
	return changed ? change_log(st, "firmware", model, e) : DT_OK;
}

static int
load_insert(struct store *st, const struct store_load *l, struct dt_errbuf *e)
{
	char model[24], prefix[24], dot[32];
	sqlite3_stmt *s;
	int64_t id;
	int rc;

	if ((rc = check_token("load", l->load_id, sizeof l->load_id - 1, LOAD_CHARS, e)) != DT_OK)
		return rc;
	if (l->n_files < 0 || l->n_files > STORE_LOAD_MAX_FILES)
		return dt_errf(e, DT_ERANGE, "file: more than %d files", STORE_LOAD_MAX_FILES);
	for (int i = 0; i < l->n_files; i++)
		if ((rc = check_token("file", l->files[i], sizeof l->files[i] - 1, LOAD_CHARS,
				      e)) != DT_OK)
			return rc;
	if ((rc = model_key(st, l->model, model, prefix, e)) != DT_OK)
		return rc;
	/* Why enforced: a phone refuses a load built for another family, and the mistake only
	 * shows as phones stuck at step 7; the prefix is what CUCM's load names start with. */
	snprintf(dot, sizeof dot, "%s.", prefix);
	if (strncmp(l->load_id, dot, strlen(dot)) != 0)
		return dt_errf(e, DT_EINVAL,
			       "load: '%s' is not a load for model %s (its loads start with '%s')",
			       l->load_id, model, dot);
	if ((rc = load_row(st, model, l->load_id, &id, NULL, e)) < 0)
		return -rc;
	if (rc == 1)
		return dt_errf(
		    e, DT_EEXIST, "load: model %s already knows load %s%s", model, l->load_id,
		    l->is_default ? " (make it the default with dialtone load default)" : "");
	if (!(s = stmt_get(st, "INSERT INTO firmware_load (model, load_id) VALUES (?, ?)", e)))
		return DT_EDB;
	bind_text(s, 1, model);
	bind_text(s, 2, l->load_id);
	if ((rc = stmt_done(st, s, "firmware_load", e)) != DT_OK)
		return rc;
	id = sqlite3_last_insert_rowid(st->db);
	if (!(s = stmt_get(st, "INSERT INTO firmware_file (load_id, file_name) VALUES (?, ?)", e)))
		return DT_EDB;
	for (int i = 0; i < l->n_files; i++) {
		sqlite3_bind_int64(s, 1, id);
		bind_text(s, 2, l->files[i]);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc == SQLITE_CONSTRAINT)
			return dt_errf(e, DT_EEXIST, "file: '%s' listed twice", l->files[i]);
		if (rc != SQLITE_DONE)
			return db_fail(st, e, "firmware_file");
	}
	if (l->is_default)
		return set_default_row(st, model, id, e);
	return change_log(st, "load", l->load_id, e);
}

int
store_load_add(struct store *st, const struct store_load *l, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	return rc ? rc : tx_end(st, load_insert(st, l, e), e);
}

static int
load_default(struct store *st, const char *model_in, const char *load_id, struct dt_errbuf *e)
{
	char model[24], prefix[24];
	int64_t id = 0;
	int rc;

	if ((rc = model_key(st, model_in, model, prefix, e)) != DT_OK)
		return rc;
	if (load_id && *load_id) {
		if ((rc = load_row(st, model, load_id, &id, NULL, e)) < 0)
			return -rc;
		if (rc == 0)
			return dt_errf(e, DT_ENOENT,
				       "load: model %s does not know load '%s' (add it with "
				       "dialtone load add)",
				       model, load_id);
	}
	return set_default_row(st, model, id, e);
}

int
store_load_set_default(struct store *st, const char *model, const char *load_id,
		       struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	return rc ? rc : tx_end(st, load_default(st, model, load_id, e), e);
}

/* DT_ECONFLICT when a device of a matching model names load_id as its override. */
static int
load_in_use(struct store *st, const char *load_id, const char *model, struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    stmt_get(st,
		     "SELECT d.name, count(*) OVER () FROM device d WHERE d.load = ?1 "
		     "AND (?2 = '' OR d.model = ?2) AND d.model IN (SELECT model FROM "
		     "firmware_load WHERE load_id = ?1) ORDER BY d.name LIMIT 1",
		     e);
	char dev[16] = "";
	int rc, n = 0;
	if (!s)
		return DT_EDB;
	bind_text(s, 1, load_id);
	bind_text(s, 2, model);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		col_text(s, 0, dev, sizeof dev);
		n = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, e, "device");
	if (n)
		return dt_errf(e, DT_ECONFLICT,
			       "load: %s is the load of %d device(s) (first %s); change them "
			       "first (dialtone device set NAME --load …)",
			       load_id, n, dev);
	return DT_OK;
}

static int
load_remove(struct store *st, const char *load_id, const char *model_in, struct dt_errbuf *e)
{
	char model[24] = "", prefix[24];
	sqlite3_stmt *s;
	int rc, n = 0;

	if (model_in && *model_in && (rc = model_key(st, model_in, model, prefix, e)) != DT_OK)
		return rc;
	if ((rc = load_in_use(st, load_id, model, e)) != DT_OK)
		return rc;
	/* RETURNING: the models whose default this was get a change-log row (fallback to the
	 * catalogue's load); firmware_file rows go with ON DELETE CASCADE. */
	if (!(s = stmt_fresh(st,
			     "DELETE FROM firmware_load WHERE load_id = ?1 AND (?2 = '' OR model = "
			     "?2) RETURNING model, is_default",
			     e)))
		return DT_EDB;
	bind_text(s, 1, load_id);
	bind_text(s, 2, model);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		if (sqlite3_column_int(s, 1) &&
		    change_log(st, "firmware", (const char *)sqlite3_column_text(s, 0), e) !=
			DT_OK) {
			sqlite3_finalize(s);
			return DT_EDB;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_fail(st, e, "firmware_load");
	if (n == 0)
		return dt_errf(e, DT_ENOENT, "load: unknown load '%s'%s%s (see dialtone load list)",
			       load_id, model[0] ? " for model " : "", model);
	return change_log(st, "load", load_id, e);
}

int
store_load_delete(struct store *st, const char *load_id, const char *model, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	return rc ? rc : tx_end(st, load_remove(st, load_id, model, e), e);
}

int
store_load_foreach(struct store *st, const char *model,
		   int (*fn)(const struct store_load *l, void *arg), void *arg, struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    stmt_fresh(st,
		       "SELECT l.id, l.model, l.load_id, l.is_default, f.file_name "
		       "FROM firmware_load l LEFT JOIN firmware_file f ON f.load_id = "
		       "l.id WHERE ?1 IS NULL OR l.model = ?1 "
		       "ORDER BY l.model, l.load_id, f.file_name",
		       e);
	struct store_load l;
	int64_t cur = -1;
	int rc, stop = 0;

	if (!s)
		return DT_EDB;
	if (model)
		bind_text(s, 1, model);
	memset(&l, 0, sizeof l);
	/* One row per (load, file): rows of one load are adjacent, so a load is handed to fn when
	 * the next one starts (or the walk ends). */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		if (id != cur) {
			if (cur >= 0 && (stop = fn(&l, arg)) != 0)
				break;
			memset(&l, 0, sizeof l);
			cur = id;
			col_text(s, 1, l.model, sizeof l.model);
			col_text(s, 2, l.load_id, sizeof l.load_id);
			l.is_default = sqlite3_column_int(s, 3);
		}
		if (sqlite3_column_type(s, 4) != SQLITE_NULL && l.n_files < STORE_LOAD_MAX_FILES)
			col_text(s, 4, l.files[l.n_files++], sizeof l.files[0]);
	}
	if (!stop && rc == SQLITE_DONE && cur >= 0)
		stop = fn(&l, arg);
	return stmt_walk_end(st, s, rc, stop, "firmware_load", e);
}
