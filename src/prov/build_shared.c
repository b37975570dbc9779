/* summary: the files every phone shares, rebuilt from the loaded references: XMLDefault.cnf.xml,
 * one softkey file per template, one dial-rules file per rule set, Ringlist.xml and
 * Ringlist-wb.xml. Each is validated before publication; one no longer produced is withdrawn.
 */
#include "prov/prov_priv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"

/* Names of the shared files one prov_build_shared produced (published or refused). */
struct shared_set {
	char (*name)[96];
	int n, cap;
};

/* Validate and publish one shared file; a failure is logged and the file unpublished. */
static int
publish_shared(struct prov *p, enum prov_kind kind, const char *name, struct pbuf *b, int rc,
	       struct dt_errbuf *be, int *nchanged, struct shared_set *ss)
{
	struct dt_errbuf e = {0, ""};
	struct prov_file *f;
	int r;

	if (ss->n < ss->cap)
		snprintf(ss->name[ss->n++], sizeof ss->name[0], "%s", name);
	if (rc == DT_OK)
		rc = prov_validate(kind, name, NULL, b->p, b->len, &e);
	else
		e = *be;
	if (rc != DT_OK) {
		dt_log(DT_WARN, "prov", NULL, "%s not published: %s", name, e.msg);
		prov_fail_note(p, name, e.msg);
		*nchanged += ftab_del(&p->files, name);
		return DT_OK;
	}
	if (!(f = prov_file_new(name, "", b->p, b->len, NULL)))
		return DT_ENOMEM;
	if ((r = prov_publish(p, f)) < 0)
		return -r;
	prov_fail_note(p, name, NULL);
	*nchanged += r;
	return DT_OK;
}

struct ring_acc {
	struct store_ringtone *v;
	int n, cap, oom;
};

static int
add_ring(const struct store_ringtone *r, void *arg)
{
	struct ring_acc *a = arg;
	if (a->n == a->cap) {
		int cap = a->cap ? a->cap * 2 : 16;
		struct store_ringtone *v = dt_realloc(DT_MEM_PROV, a->v, (size_t)cap * sizeof *v);
		if (!v) {
			a->oom = 1;
			return 1;
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = *r;
	return 0;
}

static int
intern_softkey(const struct store_softkey_template *t, void *arg)
{
	return pref_intern(arg, R_SOFTKEY, t->name) < 0;
}

static int
intern_dial(const struct store_dial_rules *r, void *arg)
{
	return pref_intern(arg, R_DIAL, r->name) < 0;
}

/* Unpublish shared files this build did not produce (a deleted softkey template or rule set). */
static void
sweep_shared(struct prov *p, const struct shared_set *ss, int *nchanged)
{
	char gone[16][96];
	int n;
	do {
		n = 0;
		for (size_t i = 0; i < p->files.cap && n < 16; i++) {
			const struct prov_file *f = p->files.slot[i];
			int keep = 0;
			if (!f || f->device[0])
				continue;
			for (int j = 0; j < ss->n && !keep; j++)
				keep = strcmp(ss->name[j], f->name) == 0;
			if (!keep)
				memcpy(gone[n++], f->name, sizeof gone[0]);
		}
		for (int i = 0; i < n; i++) {
			*nchanged += ftab_del(&p->files, gone[i]);
			prov_fail_note(p, gone[i], NULL);
		}
	} while (n == 16);
}

/* Ringlist.xml and Ringlist-wb.xml from the ringtone table. */
static int
build_ringlists(struct prov *p, struct pbuf *b, int *nchanged, struct shared_set *ss,
		struct dt_errbuf *e)
{
	struct ring_acc rings = {0};
	struct dt_errbuf ge = {0, ""};
	int rc = store_ringtone_foreach(p->st, add_ring, &rings, e);

	if (rings.oom)
		rc = dt_errf(e, DT_ENOMEM, "prov: out of memory");
	for (int wb = 0; rc == DT_OK && wb <= 1; wb++) {
		pbuf_reset(b);
		rc = prov_ringlist(rings.v, rings.n, wb, b, &ge);
		rc = publish_shared(p, PROV_K_RINGLIST, wb ? "Ringlist-wb.xml" : "Ringlist.xml", b,
				    rc, &ge, nchanged, ss);
	}
	if (rings.v)
		dt_free(DT_MEM_PROV, rings.v);
	return rc;
}

int
prov_build_shared(struct prov *p, int *nchanged, struct dt_errbuf *e)
{
	struct pbuf b = {0};
	struct dt_errbuf ge = {0, ""};
	struct store_model *models;
	const struct pref *defpool;
	struct shared_set ss = {0};
	int rc = DT_OK, n = 0, ipool;

	/* Every template and rule set gets its file, used by a device or not (CUCM does so too). */
	if (store_softkey_template_foreach(p->st, intern_softkey, p, e) < 0 ||
	    store_dial_rules_foreach(p->st, intern_dial, p, e) < 0)
		return e->code ? e->code : DT_EDB;
	for (int k = R_SOFTKEY; k <= R_DIAL; k++)
		for (int i = 0; i < p->refs[k].n; i++)
			if (p->refs[k].v[i].rc != DT_OK)
				pref_load(p, (enum pref_kind)k, &p->refs[k].v[i]);

	ipool = pref_intern(p, R_POOL, "Default");
	if (ipool >= 0 && p->refs[R_POOL].v[ipool].rc != DT_OK)
		pref_load(p, R_POOL, &p->refs[R_POOL].v[ipool]);
	defpool =
	    ipool >= 0 && p->refs[R_POOL].v[ipool].rc == DT_OK ? &p->refs[R_POOL].v[ipool] : NULL;
	ss.cap = p->refs[R_SOFTKEY].n + p->refs[R_DIAL].n + 3;
	ss.name = dt_calloc(DT_MEM_PROV, (size_t)ss.cap, sizeof ss.name[0]);
	models = dt_calloc(DT_MEM_PROV, (size_t)p->refs[R_MODEL].n + 1, sizeof *models);
	if (!models || !ss.name) {
		if (models)
			dt_free(DT_MEM_PROV, models);
		if (ss.name)
			dt_free(DT_MEM_PROV, ss.name);
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	}
	for (int i = 0; i < p->refs[R_MODEL].n; i++)
		if (p->refs[R_MODEL].v[i].rc == DT_OK)
			models[n++] = p->refs[R_MODEL].v[i].u.model;
	rc = prov_xmldefault(defpool ? &defpool->u.pool : NULL, models, n,
			     p->conf.files.autoregister, &b, &ge);
	dt_free(DT_MEM_PROV, models);
	if ((rc = publish_shared(p, PROV_K_XMLDEFAULT, "XMLDefault.cnf.xml", &b, rc, &ge, nchanged,
				 &ss)) != DT_OK)
		goto out;

	for (int i = 0; i < p->refs[R_SOFTKEY].n; i++) {
		const struct pref *r = &p->refs[R_SOFTKEY].v[i];
		if (r->rc != DT_OK)
			continue;
		pbuf_reset(&b);
		rc = prov_softkeys(&b, &ge);
		if ((rc = publish_shared(p, PROV_K_SOFTKEYS, r->u.softkey.file_name, &b, rc, &ge,
					 nchanged, &ss)) != DT_OK)
			goto out;
	}
	for (int i = 0; i < p->refs[R_DIAL].n; i++) {
		const struct pref *r = &p->refs[R_DIAL].v[i];
		if (r->rc != DT_OK)
			continue;
		pbuf_reset(&b);
		rc = prov_dialrules(r->rules, r->n_rules, &b, &ge);
		if ((rc = publish_shared(p, PROV_K_DIALRULES, r->u.dial.file_name, &b, rc, &ge,
					 nchanged, &ss)) != DT_OK)
			goto out;
	}

	if ((rc = build_ringlists(p, &b, nchanged, &ss, e)) != DT_OK)
		goto out;
	sweep_shared(p, &ss, nchanged);
out:
	dt_free(DT_MEM_PROV, ss.name);
	pbuf_free(&b);
	if (rc != DT_OK && e && !e->msg[0])
		dt_errf(e, rc, "prov: building shared files failed");
	return rc;
}
