/* summary: the provisioning file set: every file CUCM's TFTP service would "build" from the device
 * database (SEP<MAC>.cnf.xml, XMLDefault.cnf.xml, dial rules, softkeys, ring list), held in memory.
 *
 * Ownership: a struct prov is owned by one thread (serve's loop or a CLI command). Files are
 * immutable once published and reference-counted (atomically), because a file being served may be
 * replaced by a rebuild while a transfer still sends the old bytes: the transfer holds its
 * reference and the new version is served to the next request.
 */
#ifndef DT_PROV_PROV_H
#define DT_PROV_PROV_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/conf.h"
#include "core/err.h"

struct store;
struct prov;

struct prov_file {
	char name[96];	 /* exact published name, e.g. "SEP001122334455.cnf.xml" */
	char device[16]; /* "SEP…" for a per-device file (holds secrets), "" for shared files */
	const uint8_t *data; /* immutable bytes */
	size_t len;
	uint64_t version; /* bumps on every rebuild of this name */
	char etag[40];	  /* quoted strong ETag, changes with the bytes */
	time_t mtime;	  /* when this version was built */
	int refs;	  /* managed by prov_file_get/prov_file_put */
};

/* Build every file from the database. DT_EDB / DT_ENOMEM with e set; files that fail validation are
 * not published and are logged with the device and element (the build still succeeds). */
int prov_open(struct store *st, const struct dt_conf *conf, struct prov **out, struct dt_errbuf *e);

/* Apply the database changes made since the last call (by this or another process): rebuild only
 * the affected files. *nchanged (may be NULL) gets the number of files whose bytes changed or that
 * were removed. Cheap when nothing changed (a data-version probe, no query: ~2 µs), so serve calls
 * it from a short timer. On error nothing is marked applied: the next call retries. */
int prov_refresh(struct prov *p, int *nchanged, struct dt_errbuf *e);

/* The current file published under name, matched case-insensitively ("sep0011…" finds
 * "SEP0011…"); leading '/' are ignored. NULL when none. The caller owns one reference. */
struct prov_file *prov_file_get(struct prov *p, const char *name);
/* Drop a reference taken by prov_file_get (NULL is ignored). Thread-safe. */
void prov_file_put(struct prov_file *f);

/* Call fn for every published file in name order (for `files list`). */
void prov_file_foreach(struct prov *p, void (*fn)(const struct prov_file *f, void *arg), void *arg);

/* Why the file `name` (matched case-insensitively) is not published, when it was generated and
 * refused by validation or its device lacks a reference: copies the error naming the device and
 * the element into buf and returns 1; 0 when no such failure is known. */
int prov_file_why(struct prov *p, const char *name, char *buf, size_t cap);

/* Figures of the last full build (benchmarks, serve's stats line). Wall seconds per phase;
 * render_cpu_s sums the CPU time of every render thread, so render_cpu_s / threads is what the
 * render phase takes on idle cores. */
struct prov_build_stats {
	size_t devices, files, bytes;
	size_t failed; /* files generated but not published (prov_file_why says why) */
	int threads;
	double read_s, render_s, render_cpu_s, publish_s;
	double read_cpu_s, publish_cpu_s; /* CPU time of the calling thread in those phases */
};
void prov_last_build(const struct prov *p, struct prov_build_stats *out);

/* The last change-log entry applied (by prov_open or prov_refresh). It moves whenever a refresh
 * saw a database change, also one that changed no file (a SIP profile's digest flag, a DHCP
 * subnet): serve compares it around prov_refresh to tell the services that cache the database. */
int64_t prov_applied_seq(const struct prov *p);

void prov_close(struct prov *p);

#endif
