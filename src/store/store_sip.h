/* summary: the SIP registrar's tables (migration 0003_sip.sql): batched writes of bindings,
 * device registration state and history; reload at start; the CLI control queue; the text the
 * admin sees in `device show/list` and `device history`.
 *
 * Types are the registrar's own (sip/registrar.h): this file is its persistence, nothing else uses
 * these tables. All functions run on the caller's thread with the caller's struct store.
 */
#ifndef DT_STORE_STORE_SIP_H
#define DT_STORE_STORE_SIP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/err.h"
#include "sip/registrar.h"

struct store;

/* Write every AOR and device r changed since the last call, in one transaction (one fsync per
 * batch, never per REGISTER). DT_EBUSY when another writer holds the database (see
 * store_busy_wait): nothing was taken from the dirty list, call again later. On another failure
 * the batch is lost from the dirty list and rewritten at the item's next change; the error names
 * the table. */
int store_sip_save(struct store *st, struct reg *r, struct dt_errbuf *e);

/* Load unexpired bindings and every device state with its history into r. *n_bindings (may be
 * NULL) gets how many bindings were restored. */
int store_sip_load(struct store *st, struct reg *r, time_t now, size_t *n_bindings,
		   struct dt_errbuf *e);

/* A device's last persisted state. DT_ENOENT when it never contacted the registrar. */
int store_sip_state_get(struct store *st, const char *device, struct reg_device_info *out,
			struct dt_errbuf *e);

/* One line for `device show` / `device list`: "Registered 10.0.1.50:51234 TCP Cisco-CP8851/14.2.1
 * last=2026-11-24T15:20:01Z active=sip88xx... inactive=..." or "Unregistered (DeviceUnregistered
 * 10) ..." or "Unknown" when never seen. Returns DT_OK or DT_EDB. */
int sip_state_describe(struct store *st, const char *device, char *buf, size_t cap);

/* History of a device, oldest first; fn returning non-zero stops. */
int store_sip_history(struct store *st, const char *device,
		      int (*fn)(const struct reg_hist *h, void *arg), void *arg,
		      struct dt_errbuf *e);

/* Control queue: the CLI adds a request; serve takes queued ones and records the outcome.
 * state: 0 queued, 1 sent, 2 no binding, 3 failed, 4 sending (serve is opening a connection to
 * the phone, RFC 3261 §18.2.2: final within STORE_SIP_CONNECT_S seconds; store_sip_load fails one
 * left in 4 by a serve that died). */
#define STORE_SIP_CONNECT_S 5
int store_sip_control_add(struct store *st, const char *device, const char *action, int64_t *id,
			  struct dt_errbuf *e);
int store_sip_control_state(struct store *st, int64_t id, int *state, char *detail, size_t cap,
			    struct dt_errbuf *e);
int store_sip_control_queued(struct store *st,
			     int (*fn)(int64_t id, const char *device, const char *action,
				       void *arg),
			     void *arg, struct dt_errbuf *e);
int store_sip_control_done(struct store *st, int64_t id, int state, const char *detail,
			   struct dt_errbuf *e);
/* Withdraw a request no registrar picked up (still queued): 1 withdrawn, 0 already taken. */
int store_sip_control_cancel(struct store *st, int64_t id, struct dt_errbuf *e);

#endif
