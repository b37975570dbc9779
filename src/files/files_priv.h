/* summary: private map of src/files/: name rules, the static tree cache and the provisioning guard.
 */
#ifndef DT_FILES_PRIV_H
#define DT_FILES_PRIV_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#include "files/files.h"

#define FILES_NAME_MAX 255

/* files_name.c */
/* 1 for CTL*.tlv / ITL*.tlv (trust lists), served only in secure mode. */
int files_name_is_trust_list(const char *path);

/* files_static.c: the static tree with a cache of file contents. */
struct files_static;
int fstatic_open(const char *root, size_t budget, struct files_static **out, struct dt_errbuf *e);
/* DT_OK with ref->data/len/mtime/etag/ent set, or DT_ENOENT. */
int fstatic_get(struct files_static *st, const char *path, struct files_ref *ref);
void fstatic_put(struct files_static *st, struct files_entry *ent);
void fstatic_stats(struct files_static *st, size_t *nfiles, size_t *bytes);
/* Every reference must have been put before close. */
void fstatic_close(struct files_static *st);

/* files_guard.c: [files] allow CIDRs and per-source limiting of unknown SEP requests. */
struct files_guard;
int fguard_open(const char *allow, int unknown_per_min, struct files_guard **out,
		struct dt_errbuf *e);
/* 1 when client may fetch per-device files (always when allow is empty or client is NULL). */
int fguard_allowed(const struct files_guard *g, const struct sockaddr *client);
/* 1 when client is currently limited for SEP names. */
int fguard_limited(struct files_guard *g, const struct sockaddr *client);
/* Count one unknown SEP name from client; logs once when the client crosses the limit. */
void fguard_unknown(struct files_guard *g, const struct sockaddr *client, const char *device);
void fguard_close(struct files_guard *g);

/* files_lease.c: [files] require_lease. */
struct store;
/* 1 when client holds a bound, unexpired DHCP lease for device's MAC ("SEP" + 12 hex) in st, or
 * client is NULL (local use); 0 otherwise, also when st is NULL or client is not IPv4. */
int flease_ok(struct store *st, const struct sockaddr *client, const char *device);

#endif
