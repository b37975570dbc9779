/* summary: the static tree DATA_DIR/tftpboot/ behind a cache of whole files in memory, resolved
 * case-insensitively one component at a time without following symlinks.
 *
 * Why a cache of whole files: phones of one model all fetch the same firmware, locales and ring
 * tones, so a boot storm reads each file thousands of times; holding it once in memory makes a
 * transfer a reference plus scatter-gather sends (no read(2) per block, no copy per transfer).
 * Entries are keyed by the normalised requested name and trusted for REVALIDATE_MS; after that the
 * next lookup resolves the name again and compares (device, inode, size, mtime), so a file replaced
 * by `dialtone files add` is served at the latest a second later, while transfers that hold the old
 * entry finish with the old bytes. Misses are cached the same way (negative entries), so a flood of
 * requests for absent names costs no system calls. Memory is bounded by a byte budget and an entry
 * count; only entries no transfer holds are evicted, least recently used first.
 */
#include "files/files_priv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"

#define BUCKETS	      1024
#define MAX_ENTRIES   4096
#define REVALIDATE_MS 1000
#define MAX_FILE      ((size_t)1 << 30) /* 1 GiB: larger than any phone firmware image */

struct files_entry {
	struct files_entry *next;	   /* hash chain */
	struct files_entry *newer, *older; /* LRU list */
	uint8_t *data;
	size_t len;
	int absent; /* negative entry */
	int refs;   /* 1 for the table while in_table, +1 per files_ref */
	int in_table;
	dev_t dev;
	ino_t ino;
	struct timespec mtim;
	uint64_t checked_ms;
	char etag[40];
	char key[FILES_NAME_MAX + 1];
};

struct files_static {
	int root_fd;
	size_t budget, bytes;
	size_t n_entries;
	struct files_entry *buckets[BUCKETS];
	struct files_entry *newest, *oldest;
};

static const char *const fallback_dirs[] = {"", "firmware/", "locales/", "ringtones/"};

static uint64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint32_t
hash_key(const char *k)
{
	uint32_t h = 2166136261u;
	while (*k)
		h = (h ^ (uint8_t)*k++) * 16777619u;
	return h % BUCKETS;
}

int
fstatic_open(const char *root, size_t budget, struct files_static **out, struct dt_errbuf *e)
{
	struct files_static *st;
	int fd;

	if (mkdir(root, 0755) < 0 && errno != EEXIST)
		return dt_errf(e, DT_EIO, "files: cannot create %s: %s", root, strerror(errno));
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return dt_errf(e, DT_EIO, "files: cannot open %s: %s", root, strerror(errno));
	st = dt_calloc(DT_MEM_TFTP, 1, sizeof *st);
	if (!st) {
		close(fd);
		return dt_errf(e, DT_ENOMEM, "files: out of memory");
	}
	st->root_fd = fd;
	st->budget = budget;
	*out = st;
	return DT_OK;
}

/* Open name inside dirfd: exact first, else the one entry whose name matches ignoring case. */
static int
open_ci(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
	int dfd, found = -1;
	DIR *d;
	struct dirent *de;

	if (fd >= 0 || errno != ENOENT)
		return fd;
	dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcasecmp(de->d_name, name) == 0) {
			found = openat(dirfd, de->d_name, flags | O_NOFOLLOW | O_CLOEXEC);
			break;
		}
	}
	closedir(d);
	return found;
}

/* Resolve a normalised relative path to an open regular file, or -1. */
static int
resolve(int root_fd, const char *path)
{
	char comp[FILES_NAME_MAX + 1];
	int dirfd = root_fd, fd;
	const char *p = path, *slash;
	struct stat sb;

	while ((slash = strchr(p, '/')) != NULL) {
		size_t n = (size_t)(slash - p);
		memcpy(comp, p, n);
		comp[n] = 0;
		fd = open_ci(dirfd, comp, O_RDONLY | O_DIRECTORY);
		if (dirfd != root_fd)
			close(dirfd);
		if (fd < 0)
			return -1;
		dirfd = fd;
		p = slash + 1;
	}
	fd = open_ci(dirfd, p, O_RDONLY | O_NONBLOCK);
	if (dirfd != root_fd)
		close(dirfd);
	if (fd >= 0 && (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int
resolve_with_fallback(int root_fd, const char *path)
{
	char full[FILES_NAME_MAX + 16];
	int fd = -1;

	for (size_t i = 0; fd < 0 && i < sizeof fallback_dirs / sizeof fallback_dirs[0]; i++) {
		if ((size_t)snprintf(full, sizeof full, "%s%s", fallback_dirs[i], path) >=
		    sizeof full)
			break;
		fd = resolve(root_fd, full);
	}
	return fd;
}

static void
entry_free(struct files_entry *en)
{
	dt_free(DT_MEM_TFTP, en->data);
	dt_free(DT_MEM_TFTP, en);
}

static void
lru_unlink(struct files_static *st, struct files_entry *en)
{
	if (en->newer)
		en->newer->older = en->older;
	else
		st->newest = en->older;
	if (en->older)
		en->older->newer = en->newer;
	else
		st->oldest = en->newer;
	en->newer = en->older = NULL;
}

static void
lru_push(struct files_static *st, struct files_entry *en)
{
	en->older = st->newest;
	en->newer = NULL;
	if (st->newest)
		st->newest->newer = en;
	st->newest = en;
	if (!st->oldest)
		st->oldest = en;
}

static void
unref(struct files_static *st, struct files_entry *en)
{
	if (--en->refs == 0)
		entry_free(en);
}

/* Take en out of the table; transfers holding it keep it alive until they put it. */
static void
table_remove(struct files_static *st, struct files_entry *en)
{
	struct files_entry **pp = &st->buckets[hash_key(en->key)];
	while (*pp && *pp != en)
		pp = &(*pp)->next;
	if (*pp)
		*pp = en->next;
	lru_unlink(st, en);
	en->in_table = 0;
	st->n_entries--;
	st->bytes -= en->len;
	unref(st, en);
}

static void
evict(struct files_static *st)
{
	struct files_entry *en = st->oldest, *newer;
	while (en && (st->bytes > st->budget || st->n_entries > MAX_ENTRIES)) {
		newer = en->newer;
		if (en->refs == 1)
			table_remove(st, en);
		en = newer;
	}
}

static struct files_entry *
load(int fd, const struct stat *sb, const char *key)
{
	struct files_entry *en = dt_calloc(DT_MEM_TFTP, 1, sizeof *en);
	size_t got = 0;

	if (!en)
		return NULL;
	snprintf(en->key, sizeof en->key, "%s", key);
	en->len = (size_t)sb->st_size;
	en->data = dt_malloc(DT_MEM_TFTP, en->len ? en->len : 1);
	if (!en->data) {
		dt_free(DT_MEM_TFTP, en);
		return NULL;
	}
	while (got < en->len) {
		ssize_t r = pread(fd, en->data + got, en->len - got, (off_t)got);
		if (r <= 0) {
			entry_free(en);
			return NULL;
		}
		got += (size_t)r;
	}
	en->dev = sb->st_dev;
	en->ino = sb->st_ino;
	en->mtim = sb->st_mtim;
	snprintf(en->etag, sizeof en->etag, "\"%llx-%zx-%llx\"", (unsigned long long)sb->st_ino,
		 en->len,
		 (unsigned long long)sb->st_mtim.tv_sec * 1000000000ull +
		     (unsigned long long)sb->st_mtim.tv_nsec);
	return en;
}

static struct files_entry *
negative(const char *key)
{
	struct files_entry *en = dt_calloc(DT_MEM_TFTP, 1, sizeof *en);
	if (en) {
		snprintf(en->key, sizeof en->key, "%s", key);
		en->absent = 1;
	}
	return en;
}

static int
same_file(const struct files_entry *en, const struct stat *sb)
{
	return !en->absent && en->dev == sb->st_dev && en->ino == sb->st_ino &&
	       en->len == (size_t)sb->st_size && en->mtim.tv_sec == sb->st_mtim.tv_sec &&
	       en->mtim.tv_nsec == sb->st_mtim.tv_nsec;
}

static void
table_insert(struct files_static *st, struct files_entry *en, uint64_t now)
{
	uint32_t h = hash_key(en->key);
	en->next = st->buckets[h];
	st->buckets[h] = en;
	en->refs = 1;
	en->in_table = 1;
	en->checked_ms = now;
	st->n_entries++;
	st->bytes += en->len;
	lru_push(st, en);
}

/* The current entry for key, revalidated against the disk when older than REVALIDATE_MS, with one
 * reference taken for the caller (also on a negative entry), or NULL when out of memory. */
static struct files_entry *
lookup(struct files_static *st, const char *key)
{
	uint64_t now = now_ms();
	struct files_entry *en = st->buckets[hash_key(key)], *fresh;
	struct stat sb;
	int fd;

	while (en && strcmp(en->key, key) != 0)
		en = en->next;
	if (en && now - en->checked_ms < REVALIDATE_MS) {
		lru_unlink(st, en);
		lru_push(st, en);
		en->refs++;
		return en;
	}
	fd = resolve_with_fallback(st->root_fd, key);
	if (fd >= 0 && fstat(fd, &sb) == 0 && en && same_file(en, &sb)) {
		close(fd);
		en->checked_ms = now;
		lru_unlink(st, en);
		lru_push(st, en);
		en->refs++;
		return en;
	}
	if (fd < 0 && en && en->absent) {
		en->checked_ms = now;
		en->refs++;
		return en;
	}
	if (fd >= 0 && (size_t)sb.st_size <= MAX_FILE)
		fresh = load(fd, &sb, key);
	else
		fresh = negative(key);
	if (fd >= 0)
		close(fd);
	if (en)
		table_remove(st, en);
	if (!fresh)
		return NULL;
	table_insert(st, fresh, now);
	/* The caller's reference first, so a file larger than the budget is still served once. */
	fresh->refs++;
	evict(st);
	return fresh;
}

int
fstatic_get(struct files_static *st, const char *path, struct files_ref *ref)
{
	struct files_entry *en = lookup(st, path);
	if (!en)
		return DT_ENOENT;
	if (en->absent) {
		unref(st, en);
		return DT_ENOENT;
	}
	ref->data = en->data;
	ref->len = en->len;
	ref->mtime = en->mtim.tv_sec;
	memcpy(ref->etag, en->etag, sizeof ref->etag);
	ref->ent = en;
	return DT_OK;
}

void
fstatic_put(struct files_static *st, struct files_entry *en)
{
	int in_table = en->in_table;
	unref(st, en);
	if (in_table && st->bytes > st->budget)
		evict(st);
}

void
fstatic_stats(struct files_static *st, size_t *nfiles, size_t *bytes)
{
	*nfiles = st->n_entries;
	*bytes = st->bytes;
}

void
fstatic_close(struct files_static *st)
{
	if (!st)
		return;
	while (st->oldest)
		table_remove(st, st->oldest);
	close(st->root_fd);
	dt_free(DT_MEM_TFTP, st);
}
