/* summary: registration state of many devices in one ordered pass over the registrar's
 * sip_device_state table (0003_sip.sql), for listings (`dialtone device list`).
 *
 * Why a cursor: store_sip_state_get prepares a statement per device, which at 100,000 phones
 * made `device list` spend 1.3 s in SQLite's parser. Here one statement walks the table in name
 * order beside the device walk (a merge join), so the cost per phone is one row step.
 */
#ifndef DT_STORE_STORE_SIP_LIST_H
#define DT_STORE_STORE_SIP_LIST_H

#include <stddef.h>

#include "core/err.h"
#include "sip/registrar.h"

struct store;
struct store_sip_states;

/* Open the walk (one read statement on st, which must stay open until close). DT_EDB with e set.
 * A database without the registrar's table yet yields no states. */
int store_sip_states_open(struct store *st, struct store_sip_states **out, struct dt_errbuf *e);
/* The state of `device`: 1 and *out filled when it has one, 0 when not (never registered) or on a
 * read error (then listed as unknown). Names must be asked in ascending byte order (the order of
 * store_device_foreach); each row is read once. */
int store_sip_states_find(struct store_sip_states *c, const char *device,
			  struct reg_device_info *out);
void store_sip_states_close(struct store_sip_states *c);

/* The one-line description sip_state_describe (store_sip.h) prints, from a state already read:
 * "Registered 10.0.1.50:51234 TCP ua=… last=… active=… inactive=…", "Partially Registered
 * 10.0.1.50:51234 TCP lines=1/2 ua=… …" or "Unregistered (…) …". */
void sip_state_text(const struct reg_device_info *d, char *buf, size_t cap);

#endif
