/* summary: per-device registration state, the bounded history with CUCM-style reasons, the flap
 * flag, and the load IDs a Cisco phone reports in its Reason header (spec/sip-register.md). */
#include "sip/reg_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"

#define FLAP_COUNT  5	/* registrations ... */
#define FLAP_WINDOW 600 /* ... within ten minutes flag a flapping phone */

static const char *const state_names[] = {
    [REG_ST_NONE] = "Unknown",
    [REG_ST_REGISTERED] = "Registered",
    [REG_ST_UNREGISTERED] = "Unregistered",
    [REG_ST_REJECTED] = "Rejected",
    [REG_ST_PARTIAL] = "Partially Registered",
};

const char *
reg_state_name(int st)
{
	if (st < 0 || st > REG_ST_PARTIAL)
		return "Unknown";
	return state_names[st];
}

const char *
reg_event_name(int ev)
{
	switch (ev) {
	case REG_EV_REGISTER:
		return "register";
	case REG_EV_REFRESH_MISS:
		return "refresh-miss";
	case REG_EV_UNREGISTER:
		return "unregister";
	case REG_EV_REJECT:
		return "reject";
	}
	return "unknown";
}

/* One table: reason → {CUCM code, CUCM name}. */
static const struct {
	int code;
	const char *name;
} reasons[] = {
    [REG_R_NONE] = {0, ""},
    [REG_R_UNKNOWN] = {1, "Unknown"},
    [REG_R_CONNECTIVITY] = {6, "ConnectivityError"},
    [REG_R_DEVICE_RESET] = {8, "DeviceInitiatedReset"},
    [REG_R_CM_RESET] = {9, "CallManagerReset"},
    [REG_R_DEVICE_UNREGISTERED] = {10, "DeviceUnregistered"},
    [REG_R_MALFORMED] = {11, "MalformedRegisterMsg"},
    [REG_R_KEEPALIVE_TIMEOUT] = {13, "KeepAliveTimeout"},
    [REG_R_APPLY_CONFIG] = {17, "CallManagerApplyConfig"},
    [REG_R_NO_RESPONSE] = {18, "DeviceNoResponse"},
    [REG_R_REJ_DB_CONFIG] = {2, "DatabaseConfigurationError"},
    [REG_R_REJ_MALFORMED] = {3, "MalformedRegisterMessage"},
    [REG_R_REJ_AUTH] = {4, "AuthenticationError"},
};

const char *
reg_reason_name(int reason)
{
	if (reason < 0 || (size_t)reason >= sizeof reasons / sizeof reasons[0] ||
	    !reasons[reason].name)
		return "Unknown";
	return reasons[reason].name;
}

int
reg_reason_code(int reason)
{
	if (reason < 0 || (size_t)reason >= sizeof reasons / sizeof reasons[0])
		return 1;
	return reasons[reason].code;
}

const char *
reg_cfg_state_name(int s)
{
	switch (s) {
	case REG_CFG_PENDING:
		return "pending";
	case REG_CFG_APPLIED:
		return "applied";
	case REG_CFG_FAILED:
		return "failed";
	}
	return "none";
}

const char *
reg_transport_name(int t)
{
	return t == REG_T_TCP ? "TCP" : t == REG_T_TLS ? "TLS" : "UDP";
}

struct reg_dev *
reg_dev_get(struct reg *r, const char *name, int create)
{
	struct reg_dev *d = reg_map_find(&r->devs, name);
	if (d || !create || !*name || strlen(name) >= sizeof d->info.name)
		return d;
	d = dt_calloc(DT_MEM_SIP, 1, sizeof *d);
	if (!d)
		return NULL;
	reg_copy(d->info.name, sizeof d->info.name, name);
	if (reg_map_insert(&r->devs, d) != DT_OK) {
		dt_free(DT_MEM_SIP, d);
		return NULL;
	}
	return d;
}

/* Append to the ring, growing it up to history_len so a quiet device costs one row. */
static void
hist_push(struct reg *r, struct reg_dev *d, const struct reg_hist *h)
{
	if (d->hist_n == d->hist_cap && d->hist_cap < r->cfg.history_len) {
		int cap = d->hist_cap ? d->hist_cap * 2 : 1;
		struct reg_hist *nh;
		if (cap > r->cfg.history_len)
			cap = r->cfg.history_len;
		nh = dt_malloc(DT_MEM_SIP, (size_t)cap * sizeof *nh);
		if (nh) {
			/* unroll the ring oldest-first into the new array */
			for (int i = 0; i < d->hist_n; i++)
				nh[i] = d->hist[(d->hist_head + i) % d->hist_cap];
			if (d->hist)
				dt_free(DT_MEM_SIP, d->hist);
			d->hist = nh;
			d->hist_cap = cap;
			d->hist_head = 0;
		}
	}
	if (d->hist_cap == 0)
		return;
	if (d->hist_n < d->hist_cap) {
		d->hist[(d->hist_head + d->hist_n) % d->hist_cap] = *h;
		d->hist_n++;
	} else {
		d->hist[d->hist_head] = *h;
		d->hist_head = (d->hist_head + 1) % d->hist_cap;
	}
}

/* The one place a device changes state: a history row (with the line counts) and the state. */
static void
record(struct reg *r, struct reg_dev *d, int event, int reason, int state, int bound, int total,
       const struct reg_src *src, time_t now)
{
	struct reg_hist h;
	memset(&h, 0, sizeof h);
	h.at = now;
	h.event = (uint8_t)event;
	h.reason = (uint8_t)reason;
	h.lines_bound = (uint8_t)bound;
	h.lines_total = (uint8_t)total;
	if (src) {
		h.transport = (uint8_t)src->transport;
		reg_copy(h.ip, sizeof h.ip, src->ip);
		h.port = src->port;
	}
	hist_push(r, d, &h);
	d->hist_dirty = 1;
	d->info.state = state;
	d->info.reason = reason;
	d->info.lines_bound = bound;
	d->info.lines_total = total;
	if (event == REG_EV_REGISTER) {
		int n = 0;
		memmove(d->reg_times, d->reg_times + 1,
			sizeof d->reg_times - sizeof d->reg_times[0]);
		d->reg_times[FLAP_COUNT - 1] = (uint32_t)now;
		for (int i = 0; i < FLAP_COUNT; i++)
			n += d->reg_times[i] && now - d->reg_times[i] <= FLAP_WINDOW;
		d->info.flapping = n >= FLAP_COUNT;
	}
	reg_mark_dirty_dev(r, d);
}

void
reg_dev_event(struct reg *r, struct reg_dev *d, int event, int reason, const struct reg_src *src,
	      time_t now)
{
	record(r, d, event, reason, event == REG_EV_REJECT ? REG_ST_REJECTED : REG_ST_UNREGISTERED,
	       0, 0, src, now);
}

void
reg_dev_note(struct reg *r, struct reg_dev *d, int event, int reason, const struct reg_src *src,
	     time_t now)
{
	record(r, d, event, reason, d->info.state, d->info.lines_bound, d->info.lines_total, src,
	       now);
}

int
reg_dev_set_lines(struct reg *r, struct reg_dev *d, const char *aor, int newreg, int removed,
		  int lost_event, int lost_reason, const struct reg_src *src, time_t now)
{
	int bound, total, state, up, event;
	reg_device_lines(r, d->info.name, aor, &bound, &total);
	/* TechNote 217220: some lines bound but not all = Partially Registered; a one-line device
	 * is either Registered or Unregistered */
	state = bound == 0	? REG_ST_UNREGISTERED
		: bound < total ? REG_ST_PARTIAL
				: REG_ST_REGISTERED;
	up = d->info.state == REG_ST_REGISTERED || d->info.state == REG_ST_PARTIAL;
	if (up && !d->info.lines_total && state == d->info.state && !newreg) {
		/* a state saved before the line counts existed (0006_sip_partial): learn them
		 * without a history row, as nothing happened to the phone */
		d->info.lines_bound = bound;
		d->info.lines_total = total;
		reg_mark_dirty_dev(r, d);
		return 0;
	}
	if (state == REG_ST_UNREGISTERED) {
		if (!up && !removed)
			return 0;
		event = lost_event;
	} else if (newreg || !up || bound > d->info.lines_bound) {
		event = REG_EV_REGISTER;
	} else if (bound < d->info.lines_bound) {
		event = lost_event;
	} else if (state != d->info.state || total != d->info.lines_total) {
		/* the device's lines changed in the database (a line added or removed): the
		 * REGISTER that finds it out registers the device with its new count */
		event = REG_EV_REGISTER;
	} else {
		return 0;
	}
	if (state == REG_ST_UNREGISTERED)
		total = 0; /* counts are kept while (partially) registered only */
	record(r, d, event, event == REG_EV_REGISTER ? REG_R_NONE : lost_reason, state, bound,
	       total, src, now);
	return event;
}

/* Copy "Key=value" (value up to a space) from the alarm text into dst. */
static void
alarm_field(struct dt_slice text, const char *key, char *dst, size_t cap)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i + kl < text.len; i++) {
		if ((i == 0 || text.p[i - 1] == ' ') && memcmp(text.p + i, key, kl) == 0 &&
		    text.p[i + kl] == '=') {
			size_t s = i + kl + 1, e = s;
			while (e < text.len && text.p[e] != ' ' && text.p[e] != '"')
				e++;
			if (e - s < cap) {
				memcpy(dst, text.p + s, e - s);
				dst[e - s] = '\0';
			}
			return;
		}
	}
}

void
reg_dev_read_reason(struct reg_dev *d, struct dt_slice reason)
{
	struct dt_slice proto, params, text;
	sip_value_split(reason, &proto, &params);
	if (!sip_param_get(params, "text", &text))
		return;
	text = sip_unquote(text);
	if (text.len < 12 || memcmp(text.p, "cisco-alarm:", 12) != 0)
		return;
	/* not in any spec: 79xx send Load= instead of ActiveLoad= (CIPC/7970 traces) */
	alarm_field(text, "ActiveLoad", d->info.active_load, sizeof d->info.active_load);
	alarm_field(text, "Load", d->info.active_load, sizeof d->info.active_load);
	alarm_field(text, "InactiveLoad", d->info.inactive_load, sizeof d->info.inactive_load);
}

int
reg_device_get(const struct reg *r, const char *name, struct reg_device_info *out)
{
	const struct reg_dev *d = reg_map_find(&r->devs, name);
	if (!d)
		return DT_ENOENT;
	*out = d->info;
	return DT_OK;
}

int
reg_device_history(const struct reg *r, const char *name, struct reg_hist *out, int max)
{
	const struct reg_dev *d = reg_map_find(&r->devs, name);
	int n, skip;
	if (!d)
		return 0;
	n = d->hist_n < max ? d->hist_n : max;
	skip = d->hist_n - n; /* keep the newest */
	for (int i = 0; i < n; i++)
		out[i] = d->hist[(d->hist_head + skip + i) % d->hist_cap];
	return n;
}

struct dwalk {
	int (*fn)(const struct reg_device_info *d, void *arg);
	void *arg;
	int rc;
};

static void
walk_dev(void *item, void *arg)
{
	struct dwalk *w = arg;
	if (!w->rc)
		w->rc = w->fn(&((struct reg_dev *)item)->info, w->arg);
}

int
reg_device_foreach(const struct reg *r, int (*fn)(const struct reg_device_info *d, void *arg),
		   void *arg)
{
	struct dwalk w = {fn, arg, 0};
	reg_map_each(&r->devs, walk_dev, &w);
	return w.rc;
}

int
reg_device_restore(struct reg *r, const struct reg_device_info *info, const struct reg_hist *h,
		   int n_hist)
{
	struct reg_dev *d = reg_dev_get(r, info->name, 1);
	if (!d)
		return DT_ENOMEM;
	d->info = *info;
	for (int i = 0; i < n_hist; i++)
		hist_push(r, d, &h[i]);
	return DT_OK;
}
