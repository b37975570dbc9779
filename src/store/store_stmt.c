/* summary: the two ways every store file finishes a statement: a write stepped once (then reset
 * for the statement cache), and a foreach walk over an uncached statement (then finalized). Both
 * turn SQLite's failure into DT_EDB "database: WHAT: sqlite message". */
#include "store/store_priv.h"

int
stmt_done(struct store *st, sqlite3_stmt *s, const char *what, struct dt_errbuf *e)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? DT_OK : db_fail(st, e, what);
}

int
stmt_walk_end(struct store *st, sqlite3_stmt *s, int rc, int stop, const char *what,
	      struct dt_errbuf *e)
{
	sqlite3_finalize(s);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(st, e, what);
	return stop;
}
