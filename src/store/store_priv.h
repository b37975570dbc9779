/* summary: private map of the store module: the handle, the statement cache, transactions and the
 * helpers every store_*.c file shares. Included only inside src/store/ (and by its unit tests).
 */
#ifndef DT_STORE_STORE_PRIV_H
#define DT_STORE_STORE_PRIV_H

#include <sqlite3.h>
#include <stddef.h>

#include "store/store.h"

#define STORE_STMT_CACHE 96

struct store {
	sqlite3 *db;
	int depth;   /* nesting of tx_begin (0 = no transaction open) */
	int user_tx; /* store_begin() is open: depth counts it */
	int version; /* schema version after migrations */
	/* The last change-log entries of the open transaction: a reader only sees the log after
	 * commit, so logging "device X" twice in one transaction (device add, then its lines) is
	 * waste; a 100,000-row import wrote a third fewer rows with this. Reset at BEGIN. */
	struct {
		char kind[8];
		char key[40];
	} recent[4];
	int n_recent;
	int cached; /* used entries of cache[] */
	struct {
		const char *sql; /* static SQL text: looked up by pointer first, then by text */
		sqlite3_stmt *stmt;
	} cache[STORE_STMT_CACHE];
};

/* store_open.c */
/* A prepared statement for static SQL text, cached for the life of the handle (reset, bindings
 * cleared). NULL with e set on failure. Not for statements held across other store calls
 * (foreach walks prepare their own with stmt_fresh). */
sqlite3_stmt *stmt_get(struct store *st, const char *sql, struct dt_errbuf *e);
/* An uncached statement the caller finalizes. */
sqlite3_stmt *stmt_fresh(struct store *st, const char *sql, struct dt_errbuf *e);
/* DT_EDB naming what failed with SQLite's message. */
int db_fail(struct store *st, struct dt_errbuf *e, const char *what);
/* Run one statement that returns no rows (BEGIN, PRAGMA …). */
int db_exec(struct store *st, const char *sql, struct dt_errbuf *e);

/* Open a write transaction, or a savepoint inside one, so a failing call undoes only its own
 * writes. Always pair with tx_end(st, rc, e), which commits (or releases) when rc is DT_OK and
 * rolls back otherwise; it returns rc, or the commit's error. */
int tx_begin(struct store *st, struct dt_errbuf *e);
int tx_end(struct store *st, int rc, struct dt_errbuf *e);

/* store_device.c */
/* A device key — "SEP…" in any case or a MAC in any accepted form — to its MAC; DT_EINVAL naming
 * the field "device". */
int device_key_mac(const char *key, char mac[13], struct dt_errbuf *e);

/* store_stmt.c */
/* Step s (a statement that returns no rows) once and reset it: DT_OK, or DT_EDB naming what. */
int stmt_done(struct store *st, sqlite3_stmt *s, const char *what, struct dt_errbuf *e);
/* End a foreach walk over s (from stmt_fresh; finalized here) whose last sqlite3_step returned
 * rc: the callback's non-zero stop value when it ended the walk, DT_EDB naming what when a step
 * failed, else DT_OK. */
int stmt_walk_end(struct store *st, sqlite3_stmt *s, int rc, int stop, const char *what,
		  struct dt_errbuf *e);

/* store_changes.c */
/* Append (kind, key) to the change log inside the caller's transaction. */
int change_log(struct store *st, const char *kind, const char *key, struct dt_errbuf *e);
/* Keep the change log bounded (called by store_open). */
int change_log_prune(struct store *st, struct dt_errbuf *e);

/* store_model.c */
/* Load data/models.tsv into the model table when its content differs from the last load. */
int model_catalogue_sync(struct store *st, struct dt_errbuf *e);

/* store_text.c: field validation and copying shared by the write paths. */
/* Copy column i of s into dst (size n), "" for NULL; truncation cannot happen for validated data.
 */
void col_text(sqlite3_stmt *s, int i, char *dst, size_t n);

/* store_sip.c: the columns of a sip_device_state row, in the order store_sip_state_read expects
 * (the history blob is not among them: only the registrar's reload reads it). */
#define STORE_SIP_STATE_COLS                                                                       \
	"device, state, reason, ip, port, transport, user_agent, last_register, active_load,"      \
	" inactive_load, aor, flapping, cfg_state, cfg_action, cfg_at, lines_bound, lines_total"
struct reg_device_info;
/* Fill d from a row selected with STORE_SIP_STATE_COLS first. */
void store_sip_state_read(sqlite3_stmt *s, struct reg_device_info *d);
int bind_text(sqlite3_stmt *s, int i, const char *v);
/* DT_EINVAL "FIELD: …" when v is longer than max bytes or holds a control character (or, when
 * forbid is not NULL, one of its characters). */
int check_text(const char *field, const char *v, size_t max, const char *forbid,
	       struct dt_errbuf *e);
/* DT_EINVAL unless v is 1..max characters of [A-Za-z0-9] and those in extra. */
int check_token(const char *field, const char *v, size_t max, const char *extra,
		struct dt_errbuf *e);
/* Integer id of a named row in table (one of the reference tables), DT_ENOENT "FIELD: unknown …".
 */
int ref_id(struct store *st, const char *table, const char *field, const char *name, int64_t *id,
	   struct dt_errbuf *e);

#endif
