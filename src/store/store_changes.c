/* summary: the change log (one row per changed object, written in the writer's transaction) and
 * the data_version probe that lets a running server notice another process's commit cheaply.
 *
 * Why a log table rather than a notification socket: the CLI and `serve` are separate processes
 * that may not run at the same time; the log is durable with the change itself, so a server that
 * was down catches up from its last seq, and a reader never sees a change before it is committed.
 */
#include "store/store_priv.h"

#include <string.h>

/* 1 when (kind, key) was logged recently in this transaction; else remember it. */
static int
seen_recently(struct store *st, const char *kind, const char *key)
{
	int n = st->n_recent < 4 ? st->n_recent : 4, slot;
	if (strlen(kind) >= sizeof st->recent[0].kind || strlen(key) >= sizeof st->recent[0].key)
		return 0;
	for (int i = 0; i < n; i++)
		if (!strcmp(st->recent[i].kind, kind) && !strcmp(st->recent[i].key, key))
			return 1;
	slot = st->n_recent++ % 4;
	strcpy(st->recent[slot].kind, kind);
	strcpy(st->recent[slot].key, key);
	return 0;
}

int
change_log(struct store *st, const char *kind, const char *key, struct dt_errbuf *e)
{
	sqlite3_stmt *s;
	if (seen_recently(st, kind, key))
		return DT_OK;
	if (!(s = stmt_get(st, "INSERT INTO change_log (kind, key) VALUES (?, ?)", e)))
		return DT_EDB;
	bind_text(s, 1, kind);
	bind_text(s, 2, key);
	return stmt_done(st, s, "change_log", e);
}

/* Why 500,000: a running `serve` reads the log every few tens of milliseconds and a fresh one
 * starts from store_changes_last() after a full build, so only rows younger than a few seconds are
 * ever read; the bound only keeps years of admin work and bulk imports (two rows per phone) from
 * growing the file without end. Checked at open with two rowid lookups; the DELETE runs rarely. */
#define CHANGE_LOG_KEEP 500000

int
change_log_prune(struct store *st, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st,
				   "SELECT coalesce(max(seq) - min(seq), 0), coalesce(max(seq), 0) "
				   "FROM change_log",
				   e);
	int64_t span = 0, top = 0;
	int rc;
	if (!s)
		return DT_EDB;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		span = sqlite3_column_int64(s, 0);
		top = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return db_fail(st, e, "change_log");
	if (span < 2 * CHANGE_LOG_KEEP)
		return DT_OK;
	if ((rc = tx_begin(st, e)) != DT_OK)
		return rc;
	if (!(s = stmt_get(st, "DELETE FROM change_log WHERE seq <= ?", e)))
		return tx_end(st, DT_EDB, e);
	sqlite3_bind_int64(s, 1, top - CHANGE_LOG_KEEP);
	rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : db_fail(st, e, "change_log");
	sqlite3_reset(s);
	return tx_end(st, rc, e);
}

int
store_changes_since(struct store *st, int64_t since,
		    int (*fn)(int64_t seq, const char *kind, const char *key, void *arg), void *arg,
		    int64_t *last, struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    stmt_fresh(st, "SELECT seq, kind, key FROM change_log WHERE seq > ? ORDER BY seq", e);
	int rc, stop = 0;
	if (!s)
		return DT_EDB;
	sqlite3_bind_int64(s, 1, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(s, 0);
		if (last)
			*last = seq;
		stop = fn(seq, (const char *)sqlite3_column_text(s, 1),
			  (const char *)sqlite3_column_text(s, 2), arg);
		if (stop)
			break;
	}
	return stmt_walk_end(st, s, rc, stop, "change_log", e);
}

int
store_changes_last(struct store *st, int64_t *last, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st, "SELECT coalesce(max(seq), 0) FROM change_log", e);
	if (!s)
		return DT_EDB;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*last = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? DT_OK : db_fail(st, e, "change_log");
}

int
store_data_version(struct store *st, int64_t *v, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st, "PRAGMA data_version", e);
	if (!s)
		return DT_EDB;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? DT_OK : db_fail(st, e, "data_version");
}
