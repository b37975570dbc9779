/* summary: expiry of stale bindings (RFC 3261 §10.3: a binding lives until its expires) and of
 * unanswered service-control NOTIFYs (CUCM reason 18 DeviceNoResponse). */
#include "sip/reg_priv.h"

#include <string.h>

#define NOTIFY_WAIT 180 /* seconds a phone has to come back after a restart/reset NOTIFY */

struct sweep {
	struct reg *r;
	time_t now;
	int removed;
};

static void
sweep_aor(void *item, void *arg)
{
	struct reg_aor *a = item;
	struct sweep *s = arg;
	for (struct reg_bind *b = a->binds, *next; b; b = next) {
		char device[16];
		struct reg_dev *d;
		struct reg_src src = {0};
		next = b->next;
		if (b->expires_at > s->now)
			continue;
		memcpy(device, b->device, sizeof device);
		src.transport = b->transport;
		memcpy(src.ip, b->ip, sizeof src.ip);
		src.port = b->port;
		reg_bind_remove(s->r, a, b);
		s->removed++;
		d = reg_dev_get(s->r, device, 0);
		if (d && d->info.state == REG_ST_REGISTERED &&
		    !reg_device_has_binding(s->r, device, a->aor))
			reg_dev_event(s->r, d, REG_EV_REFRESH_MISS, REG_R_KEEPALIVE_TIMEOUT, &src,
				      s->now);
	}
}

static void
sweep_notify(void *item, void *arg)
{
	struct reg_dev *d = item;
	struct sweep *s = arg;
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
	reg_map_each(&r->devs, sweep_notify, &s);
	return s.removed;
}
