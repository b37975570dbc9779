/* summary: open the device database (WAL, foreign keys, busy timeout, FULL sync), run the
 * versioned migrations, and the transaction and statement-cache plumbing of the store module.
 *
 * Several processes share one database file: `dialtone serve` and any number of CLI commands.
 * WAL lets readers run while one writer commits; busy_timeout makes a second writer wait instead of
 * failing; every write opens with BEGIN IMMEDIATE so the write lock is taken up front (a deferred
 * transaction that upgrades later can fail with SQLITE_BUSY even with a timeout).
 * synchronous=FULL: a commit is fsync'd to the WAL before it returns, so a change the admin was
 * told about survives kill -9 and power loss.
 *
 * Migrations are every embedded src/store/migrations/NNNN_*.sql, applied in name order, each in
 * its own transaction with its version recorded in schema_migrations in that same transaction:
 * a crash mid-migration leaves the previous version intact and the next open retries.
 */
#include "store/store_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/embedded.h"
#include "core/mem.h"

#define MIGRATION_DIR	"src/store/migrations/"
#define MAX_MIGRATIONS	64
#define BUSY_TIMEOUT_MS 5000

int
db_fail(struct store *st, struct dt_errbuf *e, const char *what)
{
	return dt_errf(e, DT_EDB, "database: %s: %s", what, sqlite3_errmsg(st->db));
}

int
db_exec(struct store *st, const char *sql, struct dt_errbuf *e)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		dt_errf(e, DT_EDB, "database: %s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return DT_EDB;
	}
	return DT_OK;
}

sqlite3_stmt *
stmt_fresh(struct store *st, const char *sql, struct dt_errbuf *e)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		db_fail(st, e, "prepare");
		return NULL;
	}
	return s;
}

sqlite3_stmt *
stmt_get(struct store *st, const char *sql, struct dt_errbuf *e)
{
	sqlite3_stmt *s = NULL;
	for (int i = 0; i < st->cached; i++) {
		if (st->cache[i].sql == sql) {
			sqlite3_reset(st->cache[i].stmt);
			sqlite3_clear_bindings(st->cache[i].stmt);
			return st->cache[i].stmt;
		}
	}
	/* Why PERSISTENT: these live as long as the handle; SQLite then allocates them outside its
	 * lookaside pool, which it keeps for short-lived statements. */
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		db_fail(st, e, "prepare");
		return NULL;
	}
	if (st->cached < STORE_STMT_CACHE) {
		st->cache[st->cached].sql = sql;
		st->cache[st->cached].stmt = s;
		st->cached++;
		return s;
	}
	/* Cache full (more distinct statements than expected): a programming error; refuse rather
	 * than leak. */
	sqlite3_finalize(s);
	dt_errf(e, DT_EDB, "database: statement cache full (%d)", STORE_STMT_CACHE);
	return NULL;
}

/* Run a cached one-statement command (transaction control is on the path of every write: a bulk
 * import runs two of these per row, and re-parsing them each time showed up in the profile). */
static int
exec_cached(struct store *st, const char *sql, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_get(st, sql, e);
	int rc;
	if (!s)
		return DT_EDB;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? DT_OK : db_fail(st, e, sql);
}

int
tx_begin(struct store *st, struct dt_errbuf *e)
{
	int rc = exec_cached(st, st->depth ? "SAVEPOINT w" : "BEGIN IMMEDIATE", e);
	if (rc == DT_OK && st->depth++ == 0)
		st->n_recent = 0;
	return rc;
}

int
tx_end(struct store *st, int rc, struct dt_errbuf *e)
{
	struct dt_errbuf ign;
	st->depth--;
	if (rc == DT_OK) {
		int crc = exec_cached(st, st->depth ? "RELEASE w" : "COMMIT", e);
		if (crc == DT_OK)
			return DT_OK;
		rc = crc;
	}
	/* Keep the caller's error message: the rollback's own outcome goes to a scratch buffer.
	 * The change-log dedup memory may name rows this rollback removes: forget it. */
	st->n_recent = 0;
	if (st->depth) {
		exec_cached(st, "ROLLBACK TO w", &ign);
		exec_cached(st, "RELEASE w", &ign);
	} else {
		exec_cached(st, "ROLLBACK", &ign);
	}
	return rc;
}

int
store_begin(struct store *st, struct dt_errbuf *e)
{
	if (st->user_tx)
		return dt_errf(e, DT_EBUSY, "database: a transaction is already open");
	int rc = tx_begin(st, e);
	if (rc == DT_OK)
		st->user_tx = 1;
	return rc;
}

int
store_commit(struct store *st, struct dt_errbuf *e)
{
	if (!st->user_tx)
		return dt_errf(e, DT_EINVAL, "database: no transaction open");
	st->user_tx = 0;
	return tx_end(st, DT_OK, e);
}

void
store_rollback(struct store *st)
{
	if (!st->user_tx)
		return;
	st->user_tx = 0;
	tx_end(st, DT_EINVAL, NULL);
}

struct sqlite3 *
store_sqlite(struct store *st)
{
	return st->db;
}

int
store_schema_version(struct store *st)
{
	return st->version;
}

static int
mkdir_p(const char *dir, struct dt_errbuf *e)
{
	char buf[512];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof buf)
		return dt_errf(e, DT_EINVAL, "data_dir: '%s' is not a usable directory", dir);
	memcpy(buf, dir, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0750) != 0 && errno != EEXIST)
			return dt_errf(e, DT_EIO, "data_dir: mkdir %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0750) != 0 && errno != EEXIST)
		return dt_errf(e, DT_EIO, "data_dir: mkdir %s: %s", buf, strerror(errno));
	return DT_OK;
}

/* The database holds digest passwords: create it readable by owner and group only, before SQLite
 * creates it with the process umask. */
static int
create_private(const char *path, struct dt_errbuf *e)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return dt_errf(e, DT_EIO, "data_dir: %s: %s", path, strerror(errno));
	close(fd);
	return DT_OK;
}

struct migration {
	int version;
	const struct dt_embedded *file;
};

static int
by_path(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;
	return strcmp(x->file->path, y->file->path);
}

/* Embedded NNNN_*.sql files sorted by name; two files with one version number are an error. */
static int
list_migrations(struct migration *m, int *n, struct dt_errbuf *e)
{
	size_t plen = strlen(MIGRATION_DIR);
	*n = 0;
	for (const struct dt_embedded *f = dt_embedded_files; f->path; f++) {
		const char *base = f->path + plen;
		size_t blen;
		if (strncmp(f->path, MIGRATION_DIR, plen) != 0)
			continue;
		blen = strlen(base);
		if (blen < 9 || strchr(base, '/') || strcmp(base + blen - 4, ".sql") != 0)
			continue;
		if (!(base[0] >= '0' && base[0] <= '9' && base[1] >= '0' && base[1] <= '9' &&
		      base[2] >= '0' && base[2] <= '9' && base[3] >= '0' && base[3] <= '9' &&
		      base[4] == '_'))
			continue;
		if (*n >= MAX_MIGRATIONS)
			return dt_errf(e, DT_ERANGE, "database: more than %d migrations",
				       MAX_MIGRATIONS);
		m[*n].version = atoi(base);
		m[*n].file = f;
		(*n)++;
	}
	qsort(m, *n, sizeof *m, by_path);
	for (int i = 1; i < *n; i++)
		if (m[i].version == m[i - 1].version)
			return dt_errf(e, DT_EINVAL,
				       "database: migrations %s and %s share version %d",
				       m[i - 1].file->path, m[i].file->path, m[i].version);
	return DT_OK;
}

static int
applied_version(struct store *st, int *v, struct dt_errbuf *e)
{
	sqlite3_stmt *s =
	    stmt_fresh(st, "SELECT coalesce(max(version), 0) FROM schema_migrations", e);
	if (!s)
		return DT_EDB;
	int rc = sqlite3_step(s);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? DT_OK : db_fail(st, e, "schema_migrations");
}

static int
is_applied(struct store *st, int version, int *done, struct dt_errbuf *e)
{
	sqlite3_stmt *s = stmt_fresh(st, "SELECT 1 FROM schema_migrations WHERE version = ?", e);
	int rc;
	if (!s)
		return DT_EDB;
	sqlite3_bind_int(s, 1, version);
	rc = sqlite3_step(s);
	*done = rc == SQLITE_ROW;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DT_OK : db_fail(st, e, "schema_migrations");
}

static int
apply_one(struct store *st, const struct migration *m, struct dt_errbuf *e)
{
	const char *base = m->file->path + strlen(MIGRATION_DIR);
	sqlite3_stmt *s;
	int rc, done;

	if ((rc = tx_begin(st, e)) != DT_OK)
		return rc;
	/* Another process may have applied it while we waited for the write lock. */
	if ((rc = is_applied(st, m->version, &done, e)) != DT_OK || done)
		return tx_end(st, rc, e);
	if (db_exec(st, (const char *)m->file->data, e) != DT_OK) {
		/* Name the migration: a broken one is a build problem, not the admin's. */
		char msg[sizeof e->msg];
		snprintf(msg, sizeof msg, "%s", e ? e->msg : "");
		dt_errf(e, DT_EDB, "database: migration %s: %s", base, msg);
		return tx_end(st, DT_EDB, e);
	}
	s = stmt_fresh(st,
		       "INSERT INTO schema_migrations (version, name, applied_at) "
		       "VALUES (?, ?, unixepoch())",
		       e);
	if (!s)
		return tx_end(st, DT_EDB, e);
	sqlite3_bind_int(s, 1, m->version);
	bind_text(s, 2, base);
	rc = sqlite3_step(s) == SQLITE_DONE ? DT_OK : db_fail(st, e, "schema_migrations");
	sqlite3_finalize(s);
	return tx_end(st, rc, e);
}

static int
migrate(struct store *st, struct dt_errbuf *e)
{
	struct migration m[MAX_MIGRATIONS];
	int n, rc, have;

	if ((rc = list_migrations(m, &n, e)) != DT_OK)
		return rc;
	if ((rc = db_exec(
		 st,
		 "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
		 " name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
		 e)) != DT_OK)
		return rc;
	if ((rc = applied_version(st, &have, e)) != DT_OK)
		return rc;
	if (n > 0 && have > m[n - 1].version)
		return dt_errf(e, DT_EINVAL,
			       "database: schema version %d is newer than this dialtone knows (%d)",
			       have, m[n - 1].version);
	for (int i = 0; i < n; i++) {
		/* Check without the write lock first: every CLI command opens the store, and taking
		 * the lock per migration would make `device list` wait for a running import. */
		int done = 0;
		if ((rc = is_applied(st, m[i].version, &done, e)) != DT_OK)
			return rc;
		if (!done && (rc = apply_one(st, &m[i], e)) != DT_OK)
			return rc;
	}
	return applied_version(st, &st->version, e);
}

static int
configure(struct store *st, struct dt_errbuf *e)
{
	int rc;
	store_busy_wait(st, 1);
	/* journal_mode returns a row; sqlite3_exec ignores it. WAL is persistent in the file. */
	if ((rc = db_exec(st, "PRAGMA journal_mode=WAL", e)) != DT_OK)
		return rc;
	/* temp_store=MEMORY: each write inside an import is a savepoint, and SQLite keeps a
	 * savepoint's undo pages in a sub-journal; as a temp file that cost 6-7 pwrite() calls per
	 * row (2 s of system time for 100,000 rows; 0.1 s in memory, docs/benchmarks.md). The
	 * sub-journal holds one row's pages at a time, so the memory stays small. */
	/* journal_size_limit: a 100,000-phone import grows the WAL to ~50 MB; without a limit the
	 * file keeps that size after the checkpoint. */
	/* cache_size 64 MiB (pages are allocated as used, so a small database stays small): with
	 * SQLite's default 2 MiB, the registrar's batch re-read every registration-state page from
	 * the file and spilled dirty pages mid-transaction (pread + PcacheFetchStress in perf; the
	 * state rows of 5,000 devices with their history are ~9 MB). */
	return db_exec(st,
		       "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
		       "PRAGMA temp_store=MEMORY; PRAGMA journal_size_limit=16777216; "
		       "PRAGMA cache_size=-65536",
		       e);
}

int
store_open(const char *data_dir, struct store **out, struct dt_errbuf *e)
{
	char path[600];
	struct store *st;
	int rc;

	*out = NULL;
	if ((rc = mkdir_p(data_dir, e)) != DT_OK)
		return rc;
	snprintf(path, sizeof path, "%s/dialtone.db", data_dir);
	if ((rc = create_private(path, e)) != DT_OK)
		return rc;
	st = dt_calloc(DT_MEM_STORE, 1, sizeof *st);
	if (!st)
		return dt_errf(e, DT_ENOMEM, "database: out of memory");
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		rc = dt_errf(e, DT_EDB, "database: %s: %s", path,
			     st->db ? sqlite3_errmsg(st->db) : "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 0);
	if ((rc = configure(st, e)) != DT_OK || (rc = migrate(st, e)) != DT_OK ||
	    (rc = model_catalogue_sync(st, e)) != DT_OK || (rc = change_log_prune(st, e)) != DT_OK)
		goto fail;
	*out = st;
	return DT_OK;
fail:
	store_close(st);
	return rc;
}

void
store_close(struct store *st)
{
	if (!st)
		return;
	if (st->depth) {
		struct dt_errbuf ign;
		db_exec(st, "ROLLBACK", &ign);
	}
	for (int i = 0; i < st->cached; i++)
		sqlite3_finalize(st->cache[i].stmt);
	sqlite3_close(st->db);
	dt_free(DT_MEM_STORE, st);
}

void
store_busy_wait(struct store *st, int wait)
{
	sqlite3_busy_timeout(st->db, wait ? BUSY_TIMEOUT_MS : 0);
}
