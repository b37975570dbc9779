/* summary: the index a struct prov keeps between builds: packed devices, device-name and DN maps,
 * and the referenced objects (pools, profiles, models …) with their rendered fragments.
 *
 * Memory: a device costs one allocation of ~150 bytes plus its line strings, a map slot in
 * by_name and one per DN in dn_count — well under the 1 KiB per device the issue allows beyond
 * the files (measured in bench/bench_prov.sh).
 */
#include "prov/prov_priv.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"

const char *const prov_ref_default[R__COUNT] = {
    [R_POOL] = "Default",
    [R_SIP] = "Standard SIP Profile",
    [R_COMMON] = "Standard Common Phone Profile",
    [R_SOFTKEY] = "Standard User",
    [R_DIAL] = "",
    [R_MODEL] = "",
};

/* ---- pmap ---- */

static uint64_t
str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h ^ (h >> 32);
}

static size_t
pmap_find(const struct pmap_ent *slot, size_t cap, const char *key)
{
	size_t i = (size_t)str_hash(key) & (cap - 1);
	while (slot[i].key && strcmp(slot[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

void *
pmap_get(const struct pmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	return m->slot[pmap_find(m->slot, m->cap, key)].val;
}

const char *
pmap_key(const struct pmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	return m->slot[pmap_find(m->slot, m->cap, key)].key;
}

int
pmap_put(struct pmap *m, const char *key, void *val)
{
	size_t i;
	if ((m->used + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		struct pmap_ent *slot = dt_calloc(DT_MEM_PROV, cap, sizeof *slot);
		if (!slot)
			return DT_ENOMEM;
		for (size_t j = 0; j < m->cap; j++)
			if (m->slot[j].key)
				slot[pmap_find(slot, cap, m->slot[j].key)] = m->slot[j];
		if (m->slot)
			dt_free(DT_MEM_PROV, m->slot);
		m->slot = slot;
		m->cap = cap;
	}
	i = pmap_find(m->slot, m->cap, key);
	if (!m->slot[i].key) {
		m->used++;
		m->slot[i].key = key; /* an existing entry keeps the key it owns */
	}
	m->slot[i].val = val;
	return DT_OK;
}

void
pmap_del(struct pmap *m, const char *key)
{
	size_t i, j;
	if (!m->cap)
		return;
	i = pmap_find(m->slot, m->cap, key);
	if (!m->slot[i].key)
		return;
	m->slot[i].key = NULL;
	m->slot[i].val = NULL;
	m->used--;
	/* Backward-shift deletion keeps every remaining key reachable from its home slot. */
	for (j = (i + 1) & (m->cap - 1); m->slot[j].key; j = (j + 1) & (m->cap - 1)) {
		struct pmap_ent ent = m->slot[j];
		m->slot[j].key = NULL;
		m->slot[j].val = NULL;
		m->slot[pmap_find(m->slot, m->cap, ent.key)] = ent;
	}
}

void
pmap_free(struct pmap *m)
{
	if (m->slot)
		dt_free(DT_MEM_PROV, m->slot);
	memset(m, 0, sizeof *m);
}

/* ---- references ---- */

int
pref_intern(struct prov *p, enum pref_kind kind, const char *name)
{
	struct prefs *r = &p->refs[kind];
	if (!name[0])
		name = prov_ref_default[kind];
	if (!name[0])
		return -1;
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0)
			return i;
	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 8;
		struct pref *v = dt_realloc(DT_MEM_PROV, r->v, (size_t)cap * sizeof *v);
		if (!v)
			return -1;
		r->v = v;
		r->cap = cap;
	}
	memset(&r->v[r->n], 0, sizeof r->v[r->n]);
	snprintf(r->v[r->n].name, sizeof r->v[r->n].name, "%s", name);
	r->v[r->n].rc = DT_ENOENT;
	snprintf(r->v[r->n].err, sizeof r->v[r->n].err, "not loaded");
	return r->n++;
}

struct rules_acc {
	struct store_dial_rule *v;
	int n, cap, oom;
};

static int
add_rule(const struct store_dial_rule *rule, void *arg)
{
	struct rules_acc *a = arg;
	if (a->n == a->cap) {
		int cap = a->cap ? a->cap * 2 : 8;
		struct store_dial_rule *v = dt_realloc(DT_MEM_PROV, a->v, (size_t)cap * sizeof *v);
		if (!v) {
			a->oom = 1;
			return 1;
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = *rule;
	return 0;
}

static int
load_one(struct prov *p, enum pref_kind kind, struct pref *r, struct dt_errbuf *e)
{
	struct store *st = p->st;
	int rc;
	switch (kind) {
	case R_POOL:
		if ((rc = store_pool_get(st, r->name, &r->u.pool, e)) != DT_OK)
			return rc;
		return prov_cnf_pool_frag(&r->u.pool, &r->frag, e);
	case R_SIP:
		if ((rc = store_sip_profile_get(st, r->name, &r->u.sip, e)) != DT_OK)
			return rc;
		return prov_cnf_sip_frag(&r->u.sip, &r->frag, e);
	case R_COMMON:
		if ((rc = store_common_profile_get(st, r->name, &r->u.common, e)) != DT_OK)
			return rc;
		return prov_cnf_common_frag(&r->u.common, &r->frag, e);
	case R_SOFTKEY:
		return store_softkey_template_get(st, r->name, &r->u.softkey, e);
	case R_MODEL:
		if ((rc = store_model_get(st, r->name, &r->u.model, e)) != DT_OK)
			return rc;
		return prov_cnf_vendor_frag(&r->u.model, &r->frag, e);
	case R_DIAL: {
		struct rules_acc a = {0};
		if ((rc = store_dial_rules_get(st, r->name, &r->u.dial, e)) != DT_OK)
			return rc;
		rc = store_dial_rule_foreach(st, r->name, add_rule, &a, e);
		if (a.oom)
			rc = dt_errf(e, DT_ENOMEM, "prov: out of memory");
		if (rc < 0 || rc > 0) {
			if (a.v)
				dt_free(DT_MEM_PROV, a.v);
			return rc;
		}
		r->rules = a.v;
		r->n_rules = a.n;
		return DT_OK;
	}
	default:
		return DT_EINVAL;
	}
}

void
pref_load(struct prov *p, enum pref_kind kind, struct pref *r)
{
	struct pref old = *r;
	struct dt_errbuf e = {0, ""};

	memset(&r->u, 0, sizeof r->u);
	memset(&r->frag, 0, sizeof r->frag);
	r->rules = NULL;
	r->n_rules = 0;
	r->rc = load_one(p, kind, r, &e);
	r->loaded = 1;
	snprintf(r->err, sizeof r->err, "%s", r->rc ? e.msg : "");
	/* Changed = anything a file is made from differs: the record, its rules or its fragment. */
	r->changed =
	    old.rc != r->rc || memcmp(&old.u, &r->u, sizeof r->u) != 0 ||
	    old.frag.len != r->frag.len ||
	    (r->frag.len && memcmp(old.frag.p, r->frag.p, r->frag.len) != 0) ||
	    old.n_rules != r->n_rules ||
	    (r->n_rules && memcmp(old.rules, r->rules, (size_t)r->n_rules * sizeof *r->rules) != 0);
	pbuf_free(&old.frag);
	if (old.rules)
		dt_free(DT_MEM_PROV, old.rules);
}

void
prefs_free(struct prov *p)
{
	for (int k = 0; k < R__COUNT; k++) {
		for (int i = 0; i < p->refs[k].n; i++) {
			pbuf_free(&p->refs[k].v[i].frag);
			if (p->refs[k].v[i].rules)
				dt_free(DT_MEM_PROV, p->refs[k].v[i].rules);
		}
		if (p->refs[k].v)
			dt_free(DT_MEM_PROV, p->refs[k].v);
		memset(&p->refs[k], 0, sizeof p->refs[k]);
	}
}

/* ---- devices ---- */

static size_t
slen(const char *s)
{
	return s ? strlen(s) + 1 : 1;
}

static const char *
scopy(char **at, const char *s)
{
	char *d = *at;
	size_t n = slen(s);
	memcpy(d, s ? s : "", n);
	*at += n;
	return d;
}

struct pdev *
pdev_pack(struct prov *p, const struct store_device *d, const struct pline *lines, int n)
{
	size_t size = sizeof(struct pdev) + (size_t)n * sizeof(struct pline);
	struct pdev *pd;
	char *at;

	size += slen(d->load) + slen(d->user_locale) + slen(d->network_locale);
	for (int i = 0; i < n; i++)
		size += slen(lines[i].dn) + slen(lines[i].display) + slen(lines[i].label) +
			slen(lines[i].auth_user) + slen(lines[i].password);
	pd = dt_malloc(DT_MEM_PROV, size);
	if (!pd)
		return NULL;
	memset(pd, 0, sizeof *pd);
	snprintf(pd->name, sizeof pd->name, "%s", d->name);
	snprintf(pd->mac, sizeof pd->mac, "%s", d->mac);
	pd->security = d->security ? d->security : STORE_SEC_NON_SECURE;
	pd->lines = (struct pline *)(pd + 1);
	pd->n_lines = n;
	at = (char *)(pd->lines + n);
	pd->load = scopy(&at, d->load);
	pd->user_locale = scopy(&at, d->user_locale);
	pd->network_locale = scopy(&at, d->network_locale);
	for (int i = 0; i < n; i++) {
		struct pline *l = &pd->lines[i];
		l->dn = scopy(&at, lines[i].dn);
		l->display = scopy(&at, lines[i].display);
		l->label = scopy(&at, lines[i].label);
		l->auth_user = scopy(&at, lines[i].auth_user);
		l->password = scopy(&at, lines[i].password);
		l->button = lines[i].button;
	}
	pd->ref[R_POOL] = pref_intern(p, R_POOL, d->pool);
	pd->ref[R_SIP] = pref_intern(p, R_SIP, d->sip_profile);
	pd->ref[R_COMMON] = pref_intern(p, R_COMMON, d->common_profile);
	pd->ref[R_SOFTKEY] = pref_intern(p, R_SOFTKEY, d->softkey_template);
	pd->ref[R_DIAL] = pref_intern(p, R_DIAL, d->dial_rules);
	pd->ref[R_MODEL] = pref_intern(p, R_MODEL, d->model);
	return pd;
}

void
pdev_free(struct pdev *d)
{
	if (d)
		dt_free(DT_MEM_PROV, d);
}

int
prov_dev_add(struct prov *p, struct pdev *d)
{
	if (p->n_devs == p->cap_devs) {
		size_t cap = p->cap_devs ? p->cap_devs * 2 : 1024;
		struct pdev **v = dt_realloc(DT_MEM_PROV, p->devs, cap * sizeof *v);
		if (!v)
			return DT_ENOMEM;
		p->devs = v;
		p->cap_devs = cap;
	}
	if (pmap_put(&p->by_name, d->name, d) != DT_OK)
		return DT_ENOMEM;
	d->pos = p->n_devs;
	p->devs[p->n_devs++] = d;
	return DT_OK;
}

void
prov_dev_remove(struct prov *p, struct pdev *d)
{
	pmap_del(&p->by_name, d->name);
	p->devs[d->pos] = p->devs[--p->n_devs];
	p->devs[d->pos]->pos = d->pos;
}

int
prov_dn_count(struct prov *p, const struct pdev *d, int delta)
{
	for (int i = 0; i < d->n_lines; i++) {
		const char *dn = d->lines[i].dn;
		intptr_t n = (intptr_t)pmap_get(&p->dn_count, dn);
		if (n + delta <= 0) {
			/* The map owns its key copy: take it before the entry goes. */
			char *key = (char *)pmap_key(&p->dn_count, dn);
			if (!key)
				continue;
			pmap_del(&p->dn_count, dn);
			dt_free(DT_MEM_PROV, key);
			continue;
		}
		if (n == 0) {
			char *key = dt_strdup(DT_MEM_PROV, dn);
			if (!key || pmap_put(&p->dn_count, key, (void *)(intptr_t)delta) != DT_OK) {
				if (key)
					dt_free(DT_MEM_PROV, key);
				return DT_ENOMEM;
			}
			continue;
		}
		pmap_put(&p->dn_count, dn, (void *)(n + delta));
	}
	return DT_OK;
}

int
prov_dn_shared(const struct prov *p, const char *dn)
{
	return (intptr_t)pmap_get(&p->dn_count, dn) > 1;
}
