/* summary: the service seam: each network service is one `struct dt_service` row that `serve`
 * walks.
 *
 * One event loop (libevent, one thread) carries every service of a `dialtone serve` process; a
 * service registers its sockets and timers on ctx->base in start() and removes them in stop().
 * Services are thin: they parse no bytes themselves (codecs in src/proto/ do) and reach the
 * database only through src/store/ and the generated files only through src/prov/.
 * Adding a service = one svc_<name>.c exporting `const struct dt_service dt_svc_<name>` plus one
 * row in svc_table.c.
 */
#ifndef DT_SVC_SVC_H
#define DT_SVC_SVC_H

#include <stdio.h>

#include "core/conf.h"
#include "core/err.h"

struct event_base;
struct store;
struct prov;

/* What every service gets from serve. Owned by serve; valid from start() until after stop(). */
struct dt_ctx {
	struct event_base *base;    /* the one event loop */
	const struct dt_conf *conf; /* after flags were applied */
	struct store *store;	    /* the main-thread database handle */
	struct prov *prov;	    /* generated files (refreshed by serve when the DB changes) */
	const char *listen_addr;    /* conf->listen[0], the address services bind */
};

struct dt_service {
	const char *name; /* "tftp", "http", "dhcp", "sip", "admin" */
	unsigned bit;	  /* DT_SVC_* */
	/* Open sockets and timers; *state is the service's own. DT_EIO etc. with e naming the
	 * address and port on failure (serve then stops the services already started). */
	int (*start)(struct dt_ctx *ctx, void **state, struct dt_errbuf *e);
	/* Close everything start() opened and free state; must accept a state from a failed start.
	 */
	void (*stop)(void *state);
	/* One line of counters for the periodic stats log and the admin API (may be NULL). */
	void (*stats)(void *state, char *buf, size_t cap);
	/* Called by serve after prov_refresh() applied database changes (may be NULL). */
	void (*db_changed)(void *state);
};

/* NULL-terminated table of every service built into this binary (svc_table.c). */
extern const struct dt_service *const dt_services[];

#endif
