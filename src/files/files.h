/* summary: the served file tree shared by TFTP and HTTP 6970: generated files from prov first,
 * then the static tree DATA_DIR/tftpboot/, with the lookup rules phones need and the provisioning
 * guard.
 *
 * Lookup order for a requested name (documented for admins in docs/protocols/tftp.md):
 *   1. Normalise: '\' becomes '/', leading '/' and empty or "." components are dropped. Refused
 *      (DT_EINVAL): "..", NUL or control bytes, a drive letter ("C:"), more than 255 bytes.
 *   2. CTL*.tlv and ITL*.tlv: not found while the cluster is non-secure (always, for now).
 *   3. A name naming a device (SEP<12 hex>...): refused (DT_EPERM) to clients outside
 *      [files] allow, and with [files] require_lease to clients that do not hold a DHCP lease
 *      for that MAC (files_use_store); DT_EBUSY while the client is rate limited for unknown
 *      SEP names.
 *   4. The generated file of that name (prov_file_get, case-insensitive).
 *   5. The static tree: PATH, then firmware/PATH, locales/PATH, ringtones/PATH, each matched
 *      case-insensitively component by component (an exact match wins). Symlinks are not
 *      followed, so nothing outside the tree is ever read.
 * Static files are read once into memory and cached (revalidated against the disk at most once a
 * second); a reference keeps the bytes alive while the file is replaced on disk.
 * Not thread-safe: one struct files belongs to the serve loop's thread.
 */
#ifndef DT_FILES_FILES_H
#define DT_FILES_FILES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "core/conf.h"
#include "core/err.h"

struct files;
struct prov;
struct prov_file;
struct files_entry;
struct store;

/* A served file held by a transfer or response. The bytes stay valid and unchanged until
 * files_put(), whatever happens to the database or the disk meanwhile. */
struct files_ref {
	const uint8_t *data;
	size_t len;
	time_t mtime;
	char etag[40];	 /* quoted strong ETag */
	char device[16]; /* "SEP" + 12 upper-case hex when the name names a device, else "" */
	int generated;	 /* 1: from the device database; 0: static tree */
	/* private */
	struct prov_file *pf;
	struct files_entry *ent;
	struct files *fs;
};

/* Open the tree DATA_DIR/tftpboot (created if missing) over prov (may be NULL: static only).
 * conf must outlive the struct files. DT_EINVAL when [files] allow does not parse (e names it),
 * DT_EIO when the tree cannot be opened. */
int files_open(const struct dt_conf *conf, struct prov *prov, struct files **out,
	       struct dt_errbuf *e);

/* Give the lookup the database for [files] require_lease (lease by client address). Without it,
 * require_lease refuses every per-device file to network clients (fails closed). st must outlive
 * fs; loop thread only, like fs. */
void files_use_store(struct files *fs, struct store *st);

/* Find name (len bytes, not NUL-terminated, as received) for client (may be NULL: no guard, as
 * for local CLI use). DT_OK fills *ref (release with files_put); DT_ENOENT, DT_EINVAL (bad name),
 * DT_EPERM (guard), DT_EBUSY (rate limited). *why (may be NULL) gets a static reason. ref->device
 * is filled whatever the result, for the transfer's trace line. */
int files_get(struct files *fs, const char *name, size_t len, const struct sockaddr *client,
	      struct files_ref *ref, const char **why);

/* Release a reference (a zeroed ref is ignored). */
void files_put(struct files_ref *ref);

/* One line of counters: cached files and bytes, hits, misses, refusals. */
void files_stats(struct files *fs, char *buf, size_t cap);

void files_close(struct files *fs);

/* Normalise a requested name into out (cap bytes, NUL-terminated) per rule 1 above. Returns 0, or
 * -1 with *why set when it is refused. Pure; exposed for tests and `files add`. */
int files_name_normalize(const char *name, size_t len, char *out, size_t cap, const char **why);

/* The "SEP…" device a (normalised) name names, e.g. "CTLSEP0011….tlv" or "sep0011….cnf.xml" ->
 * "SEP0011…" upper-case; 0 and "" when none. dev must hold 16 bytes. */
int files_name_device(const char *path, char dev[16]);

#endif
