/* summary: the ordered walk of sip_device_state beside the device walk (store_sip_list.h), and
 * the state's one-line text.
 *
 * sip_state_text is the one formatter of that text: sip_state_describe (store_sip.c) reads one
 * device and calls it, so `device show` and `device list` cannot drift apart (a unit test compares
 * them). Rows are read by store_sip_state_read (store_sip.c), without the history blob.
 */
#include "store/store_sip_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_priv.h"

struct store_sip_states {
	sqlite3_stmt *s;
	int have; /* s holds a row not yet consumed */
	int done;
};

#define STATES_SQL "SELECT " STORE_SIP_STATE_COLS " FROM sip_device_state ORDER BY device"

int
store_sip_states_open(struct store *st, struct store_sip_states **out, struct dt_errbuf *e)
{
	struct store_sip_states *c = calloc(1, sizeof *c);
	if (!c)
		return dt_errf(e, DT_ENOMEM, "sip_device_state: out of memory");
	/* No registrar table (a database of a build without SIP): nothing to merge. */
	if (sqlite3_prepare_v2(st->db, STATES_SQL, -1, &c->s, NULL) != SQLITE_OK) {
		sqlite3_finalize(c->s);
		c->s = NULL;
		c->done = 1;
	}
	*out = c;
	return DT_OK;
}

int
store_sip_states_find(struct store_sip_states *c, const char *device, struct reg_device_info *out)
{
	while (!c->done) {
		int cmp;
		if (!c->have) {
			if (sqlite3_step(c->s) != SQLITE_ROW) {
				c->done = 1;
				break;
			}
			c->have = 1;
		}
		cmp = strcmp((const char *)sqlite3_column_text(c->s, 0), device);
		if (cmp > 0)
			return 0; /* this row belongs to a later device */
		c->have = 0;
		if (cmp == 0) {
			store_sip_state_read(c->s, out);
			return 1;
		}
		/* cmp < 0: state of a device that is gone (history outlives the device) */
	}
	return 0;
}

void
store_sip_states_close(struct store_sip_states *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->s);
	free(c);
}

void
sip_state_text(const struct reg_device_info *d, char *buf, size_t cap)
{
	char when[32] = "-", lines[32] = "";
	struct tm tm;

	if (d->last_register && gmtime_r(&d->last_register, &tm))
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* CUCM shows only the state; which part of the device is up is what the admin asks next */
	if (d->state == REG_ST_PARTIAL)
		snprintf(lines, sizeof lines, " lines=%d/%d", d->lines_bound, d->lines_total);
	if (d->state == REG_ST_REGISTERED || d->state == REG_ST_PARTIAL)
		snprintf(buf, cap, "%s %s:%u %s%s ua=%s last=%s active=%s inactive=%s%s%s",
			 reg_state_name(d->state), d->ip, d->port, reg_transport_name(d->transport),
			 lines, d->user_agent[0] ? d->user_agent : "-", when,
			 d->active_load[0] ? d->active_load : "-",
			 d->inactive_load[0] ? d->inactive_load : "-",
			 d->flapping ? " FLAPPING" : "",
			 d->cfg_state ? (d->cfg_state == REG_CFG_PENDING   ? " config=pending"
					 : d->cfg_state == REG_CFG_APPLIED ? " config=applied"
									   : " config=failed")
				      : "");
	else
		snprintf(buf, cap, "%s (%s %d) %s:%u %s last=%s%s", reg_state_name(d->state),
			 reg_reason_name(d->reason), reg_reason_code(d->reason), d->ip, d->port,
			 reg_transport_name(d->transport), when, d->flapping ? " FLAPPING" : "");
}
