/* summary: the change log (one row per changed object, written in the writer's transaction) and
 * the data_version probe that lets a running server notice another process's commit cheaply.
 *
 * Why a log table rather than a notification socket: the CLI and `serve` are separate processes
 * that may not run at the same time; the log is durable with the change itself, so a server that
 * was down catches up from its last seq, and a reader never sees a change before it is committed.
 */
#include "store/store_priv.h"

int
change_log(struct store *st, const char *kind, const char *key, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st, "INSERT INTO change_log (kind, key) VALUES (?, ?)", e);
	if (!s)
		return DT_EDB;
	bind_text(s, 1, kind);
	bind_text(s, 2, key);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? DT_OK : db_fail(st, e, "change_log");
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
	sqlite3_finalize(s);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(st, e, "change_log");
	return stop;
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
