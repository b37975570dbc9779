/* summary: the location service (RFC 3261 §10.3): AOR → bindings, each one packed allocation. */
#include "sip/reg_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"

struct reg_aor *
reg_aor_get(struct reg *r, const char *aor, int create)
{
	struct reg_aor *a = reg_map_find(&r->aors, aor);
	if (a || !create)
		return a;
	a = dt_calloc(DT_MEM_SIP, 1, sizeof *a);
	if (!a)
		return NULL;
	reg_copy(a->aor, sizeof a->aor, aor);
	if (reg_map_insert(&r->aors, a) != DT_OK) {
		dt_free(DT_MEM_SIP, a);
		return NULL;
	}
	return a;
}

/* +sip.instance of a params string (RFC 5626 §4.2: the binding key when present). */
static struct dt_slice
instance_of(struct dt_slice params)
{
	struct dt_slice v = {"", 0};
	sip_param_get(params, "+sip.instance", &v);
	return v;
}

struct reg_bind *
reg_bind_find(struct reg_aor *a, struct dt_slice contact, struct dt_slice params)
{
	struct dt_slice inst = instance_of(params);
	for (struct reg_bind *b = a->binds; b; b = b->next) {
		if (inst.len) {
			struct dt_slice bp = {reg_bind_params(b), b->params_len};
			struct dt_slice bi = instance_of(bp);
			if (bi.len == inst.len && memcmp(bi.p, inst.p, inst.len) == 0)
				return b;
		}
		if (b->contact_len == contact.len &&
		    memcmp(reg_bind_contact(b), contact.p, contact.len) == 0)
			return b;
	}
	return NULL;
}

int
reg_bind_set(struct reg *r, struct reg_aor *a, struct dt_slice contact, struct dt_slice params,
	     struct dt_slice call_id, uint32_t cseq, time_t expires_at, int q, const char *device,
	     const struct reg_src *src, int *isnew)
{
	struct reg_bind *old = reg_bind_find(a, contact, params), *b;
	size_t n;
	if (contact.len > 255 || params.len > 255 || call_id.len > 255)
		return DT_ERANGE;
	*isnew = !old || old->callid_len != call_id.len ||
		 memcmp(reg_bind_callid(old), call_id.p, call_id.len) != 0;
	if (!old && (a->n >= r->cfg.max_per_aor || r->n_bindings >= (size_t)r->cfg.max_bindings))
		return DT_EBUSY;
	n = sizeof *b + contact.len + params.len + call_id.len + 3;
	b = dt_malloc(DT_MEM_SIP, n);
	if (!b)
		return DT_ENOMEM;
	memset(b, 0, sizeof *b);
	b->expires_at = expires_at;
	b->cseq = cseq;
	b->q = (uint16_t)q;
	b->port = src->port;
	b->transport = (uint8_t)src->transport;
	b->conn = src->conn;
	b->local = src->local;
	reg_copy(b->ip, sizeof b->ip, src->ip);
	reg_copy(b->device, sizeof b->device, device);
	b->contact_len = (uint8_t)contact.len;
	b->params_len = (uint8_t)params.len;
	b->callid_len = (uint8_t)call_id.len;
	memcpy(b->data, contact.p, contact.len);
	b->data[contact.len] = '\0';
	memcpy(b->data + contact.len + 1, params.p, params.len);
	b->data[contact.len + 1 + params.len] = '\0';
	memcpy(b->data + contact.len + params.len + 2, call_id.p, call_id.len);
	b->data[contact.len + params.len + 2 + call_id.len] = '\0';
	if (old) {
		/* a new Contact URI for the same +sip.instance: the stored row of the old one must
		 * go */
		if (old->contact_len != contact.len ||
		    memcmp(reg_bind_contact(old), contact.p, contact.len) != 0)
			a->removed = 1;
		/* replace in place so the list order (first registered first) stays */
		struct reg_bind **pp = &a->binds;
		while (*pp != old)
			pp = &(*pp)->next;
		b->next = old->next;
		*pp = b;
		dt_free(DT_MEM_SIP, old);
	} else {
		struct reg_bind **pp = &a->binds;
		while (*pp)
			pp = &(*pp)->next;
		*pp = b;
		a->n++;
		r->n_bindings++;
	}
	reg_mark_dirty_aor(r, a);
	return DT_OK;
}

void
reg_bind_remove(struct reg *r, struct reg_aor *a, struct reg_bind *b)
{
	struct reg_bind **pp = &a->binds;
	while (*pp && *pp != b)
		pp = &(*pp)->next;
	if (!*pp)
		return;
	*pp = b->next;
	dt_free(DT_MEM_SIP, b);
	a->n--;
	r->n_bindings--;
	a->removed = 1;
	reg_mark_dirty_aor(r, a);
}

/* Whether aor holds a binding of device. */
static int
bound_to(struct reg *r, const char *aor, const char *device)
{
	struct reg_aor *a = reg_aor_get(r, aor, 0);
	for (struct reg_bind *b = a ? a->binds : NULL; b; b = b->next) {
		if (strcmp(b->device, device) == 0)
			return 1;
	}
	return 0;
}

void
reg_device_lines(struct reg *r, const char *device, const char *aor, int *bound, int *total)
{
	const struct reg_pdev *pd = reg_prov_dev(r, device);
	int n = pd ? pd->n_lines : 0, own = 0;
	*bound = *total = 0;
	for (int i = 0; i < n; i++) {
		own |= aor && strcmp(pd->lines[i], aor) == 0;
		*bound += bound_to(r, pd->lines[i], device);
		(*total)++;
	}
	/* a device gone from the provisioning cache, or a line it no longer owns, counts while
	 * it still holds the device's binding (until that expires) */
	if (aor && *aor && !own && bound_to(r, aor, device)) {
		(*bound)++;
		(*total)++;
	}
}

size_t
reg_binding_count(const struct reg *r)
{
	return r->n_bindings;
}

static void
fill_info(const struct reg_aor *a, const struct reg_bind *b, struct reg_binding_info *bi)
{
	memset(bi, 0, sizeof *bi);
	reg_copy(bi->aor, sizeof bi->aor, a->aor);
	reg_copy(bi->device, sizeof bi->device, b->device);
	reg_copy(bi->contact, sizeof bi->contact, reg_bind_contact(b));
	reg_copy(bi->params, sizeof bi->params, reg_bind_params(b));
	reg_copy(bi->call_id, sizeof bi->call_id, reg_bind_callid(b));
	bi->cseq = b->cseq;
	bi->expires_at = b->expires_at;
	bi->q = b->q;
	bi->src.transport = b->transport;
	reg_copy(bi->src.ip, sizeof bi->src.ip, b->ip);
	bi->src.port = b->port;
	bi->src.conn = b->conn;
	bi->src.local = b->local;
}

int
reg_aor_bindings(const struct reg *r, const char *aor, struct reg_binding_info *out, int max)
{
	const struct reg_aor *a = reg_map_find(&r->aors, aor);
	int n = 0;
	for (const struct reg_bind *b = a ? a->binds : NULL; b && n < max; b = b->next)
		fill_info(a, b, &out[n++]);
	return n;
}

struct walk {
	int (*fn)(const struct reg_binding_info *b, void *arg);
	void *arg;
	int rc;
};

static void
walk_aor(void *item, void *arg)
{
	struct reg_aor *a = item;
	struct walk *w = arg;
	struct reg_binding_info bi;
	for (struct reg_bind *b = a->binds; b && !w->rc; b = b->next) {
		fill_info(a, b, &bi);
		w->rc = w->fn(&bi, w->arg);
	}
}

int
reg_binding_foreach(const struct reg *r, int (*fn)(const struct reg_binding_info *b, void *arg),
		    void *arg)
{
	struct walk w = {fn, arg, 0};
	reg_map_each(&r->aors, walk_aor, &w);
	return w.rc;
}

int
reg_binding_restore(struct reg *r, const struct reg_binding_info *bi, time_t now)
{
	struct reg_aor *a;
	int isnew;
	if (bi->expires_at <= now)
		return DT_OK;
	a = reg_aor_get(r, bi->aor, 1);
	if (!a)
		return DT_ENOMEM;
	return reg_bind_set(r, a, slice_make(bi->contact, strlen(bi->contact)),
			    slice_make(bi->params, strlen(bi->params)),
			    slice_make(bi->call_id, strlen(bi->call_id)), bi->cseq, bi->expires_at,
			    bi->q, bi->device, &bi->src, &isnew);
}
