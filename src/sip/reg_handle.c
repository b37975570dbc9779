/* summary: the registrar's front door: create/free, per-method answers (REGISTER, OPTIONS, REFER
 * 202, SUBSCRIBE 489, NOTIFY 200, others 405 with Allow), malformed-request answers, dirty marks.
 */
#include "sip/reg_priv.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"

#define ALLOW	      "REGISTER, OPTIONS, REFER, SUBSCRIBE, NOTIFY, ACK"
#define SUPPORTED_EXT "norefersub" /* the only Require option phones send us (REFER alarms) */

void
reg_config_defaults(struct reg_config *c)
{
	memset(c, 0, sizeof *c);
	c->min_expires = 60;
	c->max_expires = 3600;
	c->granted_expires = 120;
	snprintf(c->realm, sizeof c->realm, "dialtone");
	c->nonce_ttl = 300;
	c->fail_limit = 10;
	c->fail_window = 60;
	c->max_bindings = 200000;
	c->max_per_aor = 8;
	c->history_len = 32;
	snprintf(c->server, sizeof c->server, "dialtone");
}

struct reg *
reg_new(const struct reg_config *c)
{
	struct reg *r = dt_calloc(DT_MEM_SIP, 1, sizeof *r);
	if (!r)
		return NULL;
	r->cfg = *c;
	if (r->cfg.history_len < 1 || r->cfg.history_len > REG_HIST_MAX)
		r->cfg.history_len = REG_HIST_MAX;
	if (RAND_bytes(r->secret, sizeof r->secret) != 1) {
		dt_free(DT_MEM_SIP, r);
		return NULL;
	}
	RAND_bytes((unsigned char *)&r->tag_seq, sizeof r->tag_seq);
	if (reg_auth_init(r) != DT_OK) {
		reg_auth_free(r);
		dt_free(DT_MEM_SIP, r);
		return NULL;
	}
	reg_map_init(&r->lines, offsetof(struct reg_line, next), offsetof(struct reg_line, dn));
	reg_map_init(&r->pdevs, offsetof(struct reg_pdev, next), offsetof(struct reg_pdev, name));
	reg_map_init(&r->aors, offsetof(struct reg_aor, next), offsetof(struct reg_aor, aor));
	reg_map_init(&r->devs, offsetof(struct reg_dev, next),
		     offsetof(struct reg_dev, info) + offsetof(struct reg_device_info, name));
	reg_map_init(&r->fails, offsetof(struct reg_fail, next), offsetof(struct reg_fail, ip));
	return r;
}

static void
free_binds(void *item, void *arg)
{
	struct reg_aor *a = item;
	while (a->binds) {
		struct reg_bind *b = a->binds;
		a->binds = b->next;
		dt_free(DT_MEM_SIP, b);
	}
}

static void
free_hist(void *item, void *arg)
{
	struct reg_dev *d = item;
	if (d->hist)
		dt_free(DT_MEM_SIP, d->hist);
}

void
reg_free(struct reg *r)
{
	if (!r)
		return;
	reg_map_each(&r->aors, free_binds, NULL);
	reg_map_each(&r->devs, free_hist, NULL);
	reg_map_clear(&r->aors);
	reg_map_clear(&r->devs);
	reg_map_clear(&r->fails);
	reg_prov_clear(r);
	if (r->dirty)
		dt_free(DT_MEM_SIP, r->dirty);
	reg_auth_free(r);
	dt_free(DT_MEM_SIP, r);
}

void
reg_set_secret(struct reg *r, const uint8_t key[32])
{
	memcpy(r->secret, key, sizeof r->secret);
	reg_auth_key(r);
}

static void
dirty_add(struct reg *r, char kind, const char *key)
{
	if (r->n_dirty == r->cap_dirty) {
		size_t cap = r->cap_dirty ? r->cap_dirty * 2 : 256;
		struct reg_dirty *n = dt_realloc(DT_MEM_SIP, r->dirty, cap * sizeof *n);
		if (!n)
			return; /* the item is persisted at its next change; documented loss window
				 */
		r->dirty = n;
		r->cap_dirty = cap;
	}
	r->dirty[r->n_dirty].kind = kind;
	memcpy(r->dirty[r->n_dirty].key, key, strnlen(key, sizeof r->dirty[0].key - 1) + 1);
	r->dirty[r->n_dirty].key[sizeof r->dirty[0].key - 1] = '\0';
	r->n_dirty++;
}

void
reg_mark_dirty_aor(struct reg *r, struct reg_aor *a)
{
	if (!a->dirty) {
		a->dirty = 1;
		dirty_add(r, 'a', a->aor);
	}
}

void
reg_mark_dirty_dev(struct reg *r, struct reg_dev *d)
{
	if (!d->dirty) {
		d->dirty = 1;
		dirty_add(r, 'd', d->info.name);
	}
}

void
reg_dirty_drain(struct reg *r, void (*fn)(char kind, const char *key, void *arg), void *arg)
{
	for (size_t i = 0; i < r->n_dirty; i++) {
		const struct reg_dirty *x = &r->dirty[i];
		if (x->kind == 'a') {
			struct reg_aor *a = reg_aor_get(r, x->key, 0);
			if (!a)
				continue;
			a->dirty = 0;
			if (a->removed) {
				a->removed = 0;
				if (fn)
					fn('r', x->key, arg);
				continue;
			}
		} else {
			struct reg_dev *d = reg_dev_get(r, x->key, 0);
			if (!d)
				continue;
			d->dirty = 0;
			d->persisted_last = (uint32_t)d->info.last_register;
			if (d->hist_dirty) {
				d->hist_dirty = 0;
				if (fn)
					fn('h', x->key, arg);
				continue;
			}
		}
		if (fn)
			fn(x->kind, x->key, arg);
	}
	r->n_dirty = 0;
}

void
reg_reply_start(struct reg *r, struct sip_out *o, const struct sip_msg *m, int code,
		const char *reason)
{
	char tag[12];
	uint32_t v = ++r->tag_seq;
	size_t n = sizeof tag - 1;
	tag[n] = '\0';
	do { /* decimal, as CUCM's To tags are */
		tag[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n);
	sip_out_status(o, code, reason);
	sip_out_response_hdrs(o, m, code > 100 ? tag + n : NULL);
	sip_out_hdr(o, "Server", slice_make(r->cfg.server, strlen(r->cfg.server)));
}

/* RFC 3261 §8.2.2.3: a Require option we do not support → 420 with Unsupported. */
static int
unsupported_require(const struct sip_msg *m, struct dt_slice *bad)
{
	for (int k = 0; k < m->n_hdrs; k++) {
		struct dt_slice rest, item;
		if (m->hdrs[k].id != SIP_H_REQUIRE)
			continue;
		rest = m->hdrs[k].value;
		while (sip_list_next(&rest, &item)) {
			if (!slice_caseeq(item, SUPPORTED_EXT)) {
				*bad = item;
				return 1;
			}
		}
	}
	return 0;
}

static int
simple(struct reg *r, struct sip_out *o, struct sip_msg *m, int code, struct reg_outcome *oc)
{
	reg_reply_start(r, o, m, code, NULL);
	oc->status = code;
	oc->why = sip_status_reason(code);
	if (code == 405 || code == 200)
		sip_out_hdrf(o, "Allow", ALLOW);
	if (m->method == SIP_M_OPTIONS)
		sip_out_hdrf(o, "Accept", "application/sdp");
	if (code == 489)
		sip_out_hdrf(o, "Allow-Events", "service-control");
	return sip_out_finish(o, NULL, NULL, 0);
}

int
reg_handle(struct reg *r, struct sip_msg *m, const struct reg_src *src, time_t now, char *out,
	   size_t cap, struct reg_outcome *oc)
{
	struct sip_out o;
	struct sip_uri u;
	struct dt_slice bad;
	memset(oc, 0, sizeof *oc);
	if (!m->is_request) {
		reg_notify_response(r, m, now);
		return 0;
	}
	if (m->method == SIP_M_ACK)
		return 0;
	sip_out_init(&o, out, cap);
	if (sip_msg_check(m) != DT_OK) {
		oc->status = sip_fault_status(m->fault);
		oc->why = sip_fault_why(m->fault);
		return reg_reject_malformed(r, m, out, cap);
	}
	if (sip_uri_parse(m->ruri, &u) != DT_OK || !u.is_sip)
		return simple(r, &o, m, 416, oc);
	if (unsupported_require(m, &bad)) {
		reg_reply_start(r, &o, m, 420, NULL);
		sip_out_hdr(&o, "Unsupported", bad);
		oc->status = 420;
		oc->why = "Bad Extension";
		return sip_out_finish(&o, NULL, NULL, 0);
	}
	switch (m->method) {
	case SIP_M_REGISTER:
		return reg_register(r, m, src, now, &o, oc);
	case SIP_M_OPTIONS:
		return simple(r, &o, m, 200, oc);
	case SIP_M_REFER: /* Cisco alarm (DeviceTLInfo) and remotecc token REFERs */
		return simple(r, &o, m, 202, oc);
	case SIP_M_NOTIFY:
		return simple(r, &o, m, 200, oc);
	case SIP_M_SUBSCRIBE:
		/* RFC 6665 §4.2.1.1: event packages we do not serve → 489, so the phone stops */
		return simple(r, &o, m, 489, oc);
	default:
		return simple(r, &o, m, 405, oc);
	}
}

int
reg_reject_malformed(struct reg *r, const struct sip_msg *m, char *out, size_t cap)
{
	struct sip_out o;
	/* RFC 4475 §3.3.1: a request missing From or To still gets its 400, with what it has; only
	 * without a Via is there nowhere to say it (RFC 3261 §18.2.2) */
	if (!m->is_request || m->method == SIP_M_ACK || !m->count[SIP_H_VIA])
		return -1;
	sip_out_init(&o, out, cap);
	reg_reply_start(r, &o, m, sip_fault_status(m->fault), sip_fault_why(m->fault));
	return sip_out_finish(&o, NULL, NULL, 0);
}
