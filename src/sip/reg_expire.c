/* summary: expiry of stale bindings (RFC 3261 §10.3: a binding lives until its expires) and of
 * unanswered service-control NOTIFYs (CUCM reason 18 DeviceNoResponse); the device state after
 * the sweep (Unregistered, or Partially Registered when some of its lines remain bound). */
#include "sip/reg_priv.h"

#include <string.h>

#define NOTIFY_WAIT 180 /* seconds a phone has to come back after a restart/reset NOTIFY */

struct sweep {
	struct reg *r;
	time_t now;
	int removed;
};

/* Pass 1: remove expired bindings and mark their devices. Why two passes: the lines of one device
 * expire together but sit in different AORs; deciding per binding would record a passing
 * "Partially Registered" between its first and its last line. */
static void
sweep_aor(void *item, void *arg)
{
	struct reg_aor *a = item;
	struct sweep *s = arg;
	for (struct reg_bind *b = a->binds, *next; b; b = next) {
		struct reg_dev *d;
		next = b->next;
		if (b->expires_at > s->now)
			continue;
		d = reg_dev_get(s->r, b->device, 0);
		if (d)
			d->lines_lost = 1;
		reg_bind_remove(s->r, a, b);
		s->removed++;
	}
}

/* Pass 2, per device: the state after the sweep (refresh missed: reason 13), and unanswered
 * NOTIFYs. */
static void
sweep_dev(void *item, void *arg)
{
	struct reg_dev *d = item;
	struct sweep *s = arg;
	if (d->lines_lost) {
		struct reg_src src = {0};
		d->lines_lost = 0;
		src.transport = d->info.transport;
		memcpy(src.ip, d->info.ip, sizeof src.ip);
		src.port = d->info.port;
		reg_dev_set_lines(s->r, d, d->info.aor, 0, 0, REG_EV_REFRESH_MISS,
				  REG_R_KEEPALIVE_TIMEOUT, &src, s->now);
	}
	if (d->info.cfg_state == REG_CFG_PENDING && s->now - d->info.cfg_at > NOTIFY_WAIT) {
		d->info.cfg_state = REG_CFG_FAILED;
		reg_mark_dirty_dev(s->r, d);
	}
}

int
reg_expire(struct reg *r, time_t now)
{
	struct sweep s = {r, now, 0};
	reg_map_each(&r->aors, sweep_aor, &s);
	reg_map_each(&r->devs, sweep_dev, &s);
	return s.removed;
}
