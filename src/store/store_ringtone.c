/* summary: the ring list (`dialtone ringtone add|delete`): the entries of Ringlist.xml and
 * Ringlist-wb.xml, in position order (reads: store_ringtone_foreach in store_ref.c).
 *
 * Each write logs ("ringtone", FILE); the generator treats it as a reference change and rebuilds
 * the two shared list files, so a running serve offers the new tone on the phone's next fetch.
 */
#include "store/store_priv.h"

#include <string.h>

/* A plain "NAME.raw": the phone asks for it relative to the TFTP root (found in ringtones/ too),
 * and the wideband list derives NAME.rwb from it, so any other suffix would break that list. */
static int
check_file(const char *f, struct dt_errbuf *e)
{
	size_t n = strlen(f);
	int rc = check_token("file", f, 95, "._-", e);
	if (rc != DT_OK)
		return rc;
	if (n < 5 || strcmp(f + n - 4, ".raw") != 0)
		return dt_errf(
		    e, DT_EINVAL,
		    "file: '%s' must be a NAME.raw file (8 kHz mu-law; the wideband list "
		    "names NAME.rwb)",
		    f);
	return DT_OK;
}

static int
ring_insert(struct store *st, const struct store_ringtone *r, struct dt_errbuf *e)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = check_file(r->file_name, e)) != DT_OK)
		return rc;
	if (!r->display_name[0])
		return dt_errf(e, DT_EINVAL, "display: empty");
	if ((rc = check_text("display", r->display_name, sizeof r->display_name - 1, NULL, e)) !=
	    DT_OK)
		return rc;
	if (r->position < 0 || r->position > 1000)
		return dt_errf(e, DT_ERANGE, "position: %d is not 1..1000", r->position);
	if (!(s = stmt_get(st, "SELECT 1 FROM ringtone WHERE file_name = ?", e)))
		return DT_EDB;
	bind_text(s, 1, r->file_name);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return dt_errf(e, DT_EEXIST, "file: ringtone %s is listed already", r->file_name);
	if (rc != SQLITE_DONE)
		return db_fail(st, e, "ringtone");
	if (!(s = stmt_get(st,
			   "INSERT INTO ringtone (position, display_name, file_name) SELECT "
			   "CASE WHEN ?1 > 0 THEN ?1 ELSE coalesce(max(position), 0) + 1 END, ?2, "
			   "?3 FROM ringtone",
			   e)))
		return DT_EDB;
	sqlite3_bind_int(s, 1, r->position);
	bind_text(s, 2, r->display_name);
	bind_text(s, 3, r->file_name);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_CONSTRAINT)
		return dt_errf(e, DT_ECONFLICT,
			       "position: %d is taken (see dialtone ringtone list)", r->position);
	if (rc != SQLITE_DONE)
		return db_fail(st, e, "ringtone");
	return change_log(st, "ringtone", r->file_name, e);
}

int
store_ringtone_add(struct store *st, const struct store_ringtone *r, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	return rc ? rc : tx_end(st, ring_insert(st, r, e), e);
}

static int
ring_remove(struct store *st, const char *file_name, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st, "DELETE FROM ringtone WHERE file_name = ?", e);
	int rc;
	if (!s)
		return DT_EDB;
	bind_text(s, 1, file_name);
	if ((rc = stmt_done(st, s, "ringtone", e)) != DT_OK)
		return rc;
	if (sqlite3_changes(st->db) == 0)
		return dt_errf(e, DT_ENOENT, "file: no ringtone '%s' (see dialtone ringtone list)",
			       file_name);
	return change_log(st, "ringtone", file_name, e);
}

int
store_ringtone_delete(struct store *st, const char *file_name, struct dt_errbuf *e)
{
	int rc = tx_begin(st, e);
	return rc ? rc : tx_end(st, ring_remove(st, file_name, e), e);
}
