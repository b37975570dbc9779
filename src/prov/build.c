/* summary: building files: one device's SEP<MAC>.cnf.xml (render + validate), the shared files,
 * and the full build that reads the whole database and renders every device on worker threads.
 *
 * Full build: the store is read on the calling thread (SQLite handles are single-threaded) into
 * packed devices; the shared fragments (pool, SIP profile, model) are rendered once; then
 * `threads` workers take chunks of devices, each with its own scratch buffer, and leave one file
 * or one error per device. Publishing and logging happen back on the calling thread, so the file
 * table and the log see one writer. An unchanged file keeps its version and ETag.
 */
#include "prov/prov_priv.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"

#define MAX_LINES 64
#define CHUNK 256

static int
ref_ok(const struct prov *p, const struct pdev *d, enum pref_kind k, const char *what,
       struct dt_errbuf *e)
{
	const struct pref *r;
	if (d->ref[k] < 0)
		return dt_errf(e, DT_ENOMEM, "%s.cnf.xml: device %s: %s: out of memory", d->name,
			       d->name, what);
	r = &p->refs[k].v[d->ref[k]];
	if (r->rc != DT_OK)
		return dt_errf(e, r->rc, "%s.cnf.xml: device %s: %s '%s': %s", d->name, d->name,
			       what, r->name, r->err);
	return DT_OK;
}

int
prov_gen_device(const struct prov *p, const struct pdev *d, struct pbuf *buf,
		struct prov_file **out, struct dt_errbuf *e)
{
	struct prov_line_in lines[MAX_LINES];
	struct prov_dev_in in;
	const struct pref *pool, *sip, *model, *dial = NULL;
	char file[40];
	int rc;

	if ((rc = ref_ok(p, d, R_POOL, "device pool", e)) ||
	    (rc = ref_ok(p, d, R_SIP, "SIP profile", e)) ||
	    (rc = ref_ok(p, d, R_MODEL, "model", e)) ||
	    (rc = ref_ok(p, d, R_COMMON, "common phone profile", e)) ||
	    (rc = ref_ok(p, d, R_SOFTKEY, "softkey template", e)))
		return rc;
	if (d->ref[R_DIAL] >= 0) {
		if ((rc = ref_ok(p, d, R_DIAL, "dial rules", e)) != DT_OK)
			return rc;
		dial = &p->refs[R_DIAL].v[d->ref[R_DIAL]];
	}
	pool = &p->refs[R_POOL].v[d->ref[R_POOL]];
	sip = &p->refs[R_SIP].v[d->ref[R_SIP]];
	model = &p->refs[R_MODEL].v[d->ref[R_MODEL]];

	memset(&in, 0, sizeof in);
	in.name = d->name;
	in.mac = d->mac;
	in.security = d->security;
	in.load = d->load;
	in.user_locale = d->user_locale;
	in.network_locale = d->network_locale;
	in.softkey_file = p->refs[R_SOFTKEY].v[d->ref[R_SOFTKEY]].u.softkey.file_name;
	in.dial_file = dial ? dial->u.dial.file_name : "";
	in.model = &model->u.model;
	in.pool = &pool->u.pool;
	in.sip = &sip->u.sip;
	in.common = &p->refs[R_COMMON].v[d->ref[R_COMMON]].u.common;
	in.n_lines = d->n_lines > MAX_LINES ? MAX_LINES : d->n_lines;
	for (int i = 0; i < in.n_lines; i++) {
		const struct pline *l = &d->lines[i];
		lines[i] = (struct prov_line_in){l->dn,	       l->display,  l->label, l->auth_user,
						  l->password, l->button, prov_dn_shared(p, l->dn)};
	}
	in.lines = lines;

	pbuf_reset(buf);
	if ((rc = prov_cnf_device(&in, &pool->frag, &sip->frag, &model->frag, buf, e)) != DT_OK)
		return rc;
	snprintf(file, sizeof file, "%s.cnf.xml", d->name);
	if ((rc = prov_validate(PROV_K_SEP, file, d->name, buf->p, buf->len, e)) != DT_OK)
		return rc;
	*out = prov_file_new(file, d->name, buf->p, buf->len);
	if (!*out)
		return dt_errf(e, DT_ENOMEM, "%s: out of memory", file);
	return DT_OK;
}

int
prov_publish(struct prov *p, struct prov_file *f)
{
	struct prov_file *old = ftab_get(&p->files, f->name);
	if (old && old->len == f->len && memcmp(old->data, f->data, f->len) == 0) {
		prov_file_put(f); /* same bytes: keep the published version and ETag */
		return 0;
	}
	if (ftab_put(&p->files, f) != DT_OK) {
		prov_file_put(f);
		return -DT_ENOMEM;
	}
	return 1;
}

/* Validate and publish one shared file; a failure is logged and the file unpublished. */
static int
publish_shared(struct prov *p, enum prov_kind kind, const char *name, struct pbuf *b, int rc,
	       struct dt_errbuf *be, int *nchanged)
{
	struct dt_errbuf e = {0, ""};
	struct prov_file *f;
	int r;

	if (rc == DT_OK)
		rc = prov_validate(kind, name, NULL, b->p, b->len, &e);
	else
		e = *be;
	if (rc != DT_OK) {
		dt_log(DT_WARN, "prov", NULL, "%s not published: %s", name, e.msg);
		*nchanged += ftab_del(&p->files, name);
		return DT_OK;
	}
	if (!(f = prov_file_new(name, "", b->p, b->len)))
		return DT_ENOMEM;
	if ((r = prov_publish(p, f)) < 0)
		return -r;
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

int
prov_build_shared(struct prov *p, int *nchanged, struct dt_errbuf *e)
{
	struct pbuf b = {0};
	struct dt_errbuf ge = {0, ""};
	struct store_model *models;
	struct ring_acc rings = {0};
	const struct pref *defpool;
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
	defpool = ipool >= 0 && p->refs[R_POOL].v[ipool].rc == DT_OK ? &p->refs[R_POOL].v[ipool]
								    : NULL;
	models = dt_calloc(DT_MEM_PROV, (size_t)p->refs[R_MODEL].n + 1, sizeof *models);
	if (!models)
		return dt_errf(e, DT_ENOMEM, "prov: out of memory");
	for (int i = 0; i < p->refs[R_MODEL].n; i++)
		if (p->refs[R_MODEL].v[i].rc == DT_OK)
			models[n++] = p->refs[R_MODEL].v[i].u.model;
	rc = prov_xmldefault(defpool ? &defpool->u.pool : NULL, models, n, p->conf.files.autoregister,
			     &b, &ge);
	dt_free(DT_MEM_PROV, models);
	if ((rc = publish_shared(p, PROV_K_XMLDEFAULT, "XMLDefault.cnf.xml", &b, rc, &ge,
				 nchanged)) != DT_OK)
		goto out;

	for (int i = 0; i < p->refs[R_SOFTKEY].n; i++) {
		const struct pref *r = &p->refs[R_SOFTKEY].v[i];
		if (r->rc != DT_OK)
			continue;
		pbuf_reset(&b);
		rc = prov_softkeys(&b, &ge);
		if ((rc = publish_shared(p, PROV_K_SOFTKEYS, r->u.softkey.file_name, &b, rc, &ge,
					 nchanged)) != DT_OK)
			goto out;
	}
	for (int i = 0; i < p->refs[R_DIAL].n; i++) {
		const struct pref *r = &p->refs[R_DIAL].v[i];
		if (r->rc != DT_OK)
			continue;
		pbuf_reset(&b);
		rc = prov_dialrules(r->rules, r->n_rules, &b, &ge);
		if ((rc = publish_shared(p, PROV_K_DIALRULES, r->u.dial.file_name, &b, rc, &ge,
					 nchanged)) != DT_OK)
			goto out;
	}

	rc = store_ringtone_foreach(p->st, add_ring, &rings, e);
	if (rings.oom)
		rc = dt_errf(e, DT_ENOMEM, "prov: out of memory");
	if (rc != DT_OK)
		goto out;
	for (int wb = 0; wb <= 1; wb++) {
		pbuf_reset(&b);
		rc = prov_ringlist(rings.v, rings.n, wb, &b, &ge);
		if ((rc = publish_shared(p, PROV_K_RINGLIST, wb ? "Ringlist-wb.xml" : "Ringlist.xml",
					 &b, rc, &ge, nchanged)) != DT_OK)
			goto out;
	}
out:
	if (rings.v)
		dt_free(DT_MEM_PROV, rings.v);
	pbuf_free(&b);
	if (rc != DT_OK && e && !e->msg[0])
		dt_errf(e, rc, "prov: building shared files failed");
	return rc;
}

/* ---- full build ---- */

struct tmp_line {
	const char *device;
	struct pline l; /* strings point into the arena */
};

struct reader {
	struct prov *p;
	struct tmp_line *lines;
	size_t n_lines, cap_lines, next;
	struct pbuf arena; /* line strings; offsets until the arena stops moving */
	int oom;
};

static uintptr_t
arena_str(struct pbuf *a, const char *s)
{
	uintptr_t off = a->len;
	pbuf_put(a, s, strlen(s) + 1);
	return off;
}

static int
read_line(const struct store_line *l, void *arg)
{
	struct reader *r = arg;
	struct tmp_line *t;

	if (!l->device[0])
		return 0; /* a DN on no device is in no file */
	if (r->n_lines == r->cap_lines) {
		size_t cap = r->cap_lines ? r->cap_lines * 2 : 4096;
		struct tmp_line *v = dt_realloc(DT_MEM_PROV, r->lines, cap * sizeof *v);
		if (!v) {
			r->oom = 1;
			return 1;
		}
		r->lines = v;
		r->cap_lines = cap;
	}
	t = &r->lines[r->n_lines++];
	t->device = (const char *)arena_str(&r->arena, l->device);
	t->l.dn = (const char *)arena_str(&r->arena, l->dn);
	t->l.display = (const char *)arena_str(&r->arena, l->display);
	t->l.label = (const char *)arena_str(&r->arena, l->label);
	t->l.auth_user = (const char *)arena_str(&r->arena, l->auth_user);
	t->l.password = (const char *)arena_str(&r->arena, l->password);
	t->l.button = l->button;
	if (r->arena.oom) {
		r->oom = 1;
		return 1;
	}
	return 0;
}

static int
by_dev_button(const void *a, const void *b)
{
	const struct tmp_line *x = a, *y = b;
	int c = strcmp(x->device, y->device);
	if (c)
		return c;
	return (x->l.button > y->l.button) - (x->l.button < y->l.button);
}

/* Devices arrive in name order and the lines were sorted by device name: a merge walk. */
static int
read_device(const struct store_device *d, void *arg)
{
	struct reader *r = arg;
	struct pline ls[MAX_LINES];
	struct pdev *pd;
	int n = 0;

	while (r->next < r->n_lines && strcmp(r->lines[r->next].device, d->name) < 0)
		r->next++;
	for (; r->next < r->n_lines && strcmp(r->lines[r->next].device, d->name) == 0; r->next++)
		if (n < MAX_LINES)
			ls[n++] = r->lines[r->next].l;
	pd = pdev_pack(r->p, d, ls, n);
	if (!pd || prov_dev_add(r->p, pd) != DT_OK || prov_dn_count(r->p, pd, +1) != DT_OK) {
		pdev_free(pd);
		r->oom = 1;
		return 1;
	}
	return 0;
}

static int
read_model(const struct store_model *m, void *arg)
{
	return pref_intern(arg, R_MODEL, m->name) < 0;
}

void
prov_clear_devices(struct prov *p)
{
	for (size_t i = 0; i < p->n_devs; i++)
		pdev_free(p->devs[i]);
	p->n_devs = 0;
	pmap_free(&p->by_name);
	for (size_t i = 0; i < p->dn_count.cap; i++)
		if (p->dn_count.slot[i].key)
			dt_free(DT_MEM_PROV, (void *)p->dn_count.slot[i].key);
	pmap_free(&p->dn_count);
}

/* Read models, devices and lines into packed devices with their lines attached. */
static int
read_all(struct prov *p, struct dt_errbuf *e)
{
	struct reader r = {.p = p};
	int rc;

	prov_clear_devices(p);
	if ((rc = store_model_foreach(p->st, read_model, p, e)) != DT_OK)
		return rc;
	rc = store_line_foreach(p->st, NULL, read_line, &r, e);
	if (rc == DT_OK && !r.oom) {
		for (size_t i = 0; i < r.n_lines; i++) {
			struct tmp_line *t = &r.lines[i];
			const char *base = (const char *)r.arena.p;
			t->device = base + (uintptr_t)t->device;
			t->l.dn = base + (uintptr_t)t->l.dn;
			t->l.display = base + (uintptr_t)t->l.display;
			t->l.label = base + (uintptr_t)t->l.label;
			t->l.auth_user = base + (uintptr_t)t->l.auth_user;
			t->l.password = base + (uintptr_t)t->l.password;
		}
		qsort(r.lines, r.n_lines, sizeof *r.lines, by_dev_button);
		rc = store_device_foreach(p->st, read_device, &r, e);
	}
	if (r.oom)
		rc = dt_errf(e, DT_ENOMEM, "prov: out of memory reading the database");
	if (r.lines)
		dt_free(DT_MEM_PROV, r.lines);
	pbuf_free(&r.arena);
	return rc;
}

struct job {
	const struct prov *p;
	struct prov_file **out;
	char **err;
	size_t next; /* atomic: next chunk start */
};

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct pbuf buf = {0};
	struct dt_errbuf e;
	size_t n = j->p->n_devs, i;

	while ((i = __atomic_fetch_add(&j->next, CHUNK, __ATOMIC_RELAXED)) < n) {
		size_t end = i + CHUNK < n ? i + CHUNK : n;
		for (; i < end; i++) {
			e.code = 0;
			e.msg[0] = '\0';
			if (prov_gen_device(j->p, j->p->devs[i], &buf, &j->out[i], &e) != DT_OK) {
				j->out[i] = NULL;
				j->err[i] = strdup(e.msg[0] ? e.msg : "generation failed");
			}
		}
	}
	pbuf_free(&buf);
	return NULL;
}

/* Render every device's file on p->threads threads into out[] / err[]. */
static void
render_all(const struct prov *p, struct prov_file **out, char **err)
{
	struct job j = {p, out, err, 0};
	pthread_t t[8];
	int extra = p->threads - 1, started = 0;

	if (extra > 7)
		extra = 7;
	/* Small builds are not worth a thread. */
	for (int i = 0; i < extra && p->n_devs >= 4 * CHUNK; i++)
		if (pthread_create(&t[started], NULL, worker, &j) == 0)
			started++;
	worker(&j);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
}

/* Names of published per-device files whose device is gone or whose file failed. */
static int
sweep(struct prov *p, int *nchanged)
{
	size_t n = 0;
	char(*names)[96];

	for (size_t i = 0; i < p->files.cap; i++) {
		const struct prov_file *f = p->files.slot[i];
		const struct pdev *d;
		if (f && f->device[0] && (!(d = pmap_get(&p->by_name, f->device)) || !d->published))
			n++;
	}
	if (!n)
		return DT_OK;
	if (!(names = dt_malloc(DT_MEM_PROV, n * sizeof *names)))
		return DT_ENOMEM;
	n = 0;
	for (size_t i = 0; i < p->files.cap; i++) {
		const struct prov_file *f = p->files.slot[i];
		const struct pdev *d;
		if (f && f->device[0] && (!(d = pmap_get(&p->by_name, f->device)) || !d->published))
			memcpy(names[n++], f->name, sizeof names[0]);
	}
	for (size_t i = 0; i < n; i++)
		*nchanged += ftab_del(&p->files, names[i]);
	dt_free(DT_MEM_PROV, names);
	return DT_OK;
}

int
prov_build_full(struct prov *p, int *nchanged, struct dt_errbuf *e)
{
	struct prov_file **out = NULL;
	char **err = NULL;
	int rc, changed = 0;
	int64_t seq = 0;

	/* The change-log position first: anything committed while we read is applied again by
	 * the next refresh (rebuilding a file twice is harmless; missing a change is not). */
	if ((rc = store_changes_last(p->st, &seq, e)) != DT_OK)
		return rc;
	if ((rc = read_all(p, e)) != DT_OK)
		return rc;
	for (int k = 0; k < R__COUNT; k++)
		for (int i = 0; i < p->refs[k].n; i++)
			pref_load(p, (enum pref_kind)k, &p->refs[k].v[i]);
	out = dt_calloc(DT_MEM_PROV, p->n_devs + 1, sizeof *out);
	err = dt_calloc(DT_MEM_PROV, p->n_devs + 1, sizeof *err);
	if (!out || !err) {
		rc = dt_errf(e, DT_ENOMEM, "prov: out of memory");
		goto fail;
	}
	render_all(p, out, err);
	for (size_t i = 0; i < p->n_devs; i++) {
		struct pdev *d = p->devs[i];
		d->published = out[i] != NULL;
		if (err[i]) {
			dt_log(DT_WARN, "prov", d->name, "not published: %s", err[i]);
			free(err[i]);
			continue;
		}
		int r = prov_publish(p, out[i]);
		if (r < 0) {
			rc = dt_errf(e, -r, "prov: out of memory publishing files");
			for (size_t k = i + 1; k < p->n_devs; k++) {
				prov_file_put(out[k]);
				free(err[k]);
			}
			goto fail;
		}
		changed += r;
	}
	if ((rc = sweep(p, &changed)) != DT_OK) {
		dt_errf(e, rc, "prov: out of memory");
		goto fail;
	}
	if ((rc = prov_build_shared(p, &changed, e)) != DT_OK)
		goto fail;
	p->seq = seq;
	if (nchanged)
		*nchanged = changed;
fail:
	if (out)
		dt_free(DT_MEM_PROV, out);
	if (err)
		dt_free(DT_MEM_PROV, err);
	return rc;
}
