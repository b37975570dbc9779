/* summary: the `serve` runtime: one libevent loop carrying every enabled service, the database
 * change watcher that keeps generated files current, and orderly shutdown on SIGINT/SIGTERM. */
#ifndef DT_SVC_SERVE_H
#define DT_SVC_SERVE_H

#include "core/conf.h"
#include "core/err.h"

/* Run the enabled services of conf until SIGINT or SIGTERM. Returns DT_OK after a clean stop, or
 * the error that prevented start-up (e names the service, address and port). */
int serve_run(const struct dt_conf *conf, struct dt_errbuf *e);

#endif
